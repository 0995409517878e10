import { describe, expect, it } from 'vitest';
import { describeCall, summarizeCall } from '../../src/adapters/summary.js';
import {
  CALLER,
  COMPANY_NUMBER,
  eventOnlyCall,
  inboundCall,
  internalCall,
  outboundNoAnswerCall,
  queueCall,
} from '../fixtures/calls.js';

describe('summary › from RingCentral records', () => {
  it('an inbound call › start, duration, direction, numbers, result, recording', () => {
    const call = inboundCall();
    expect(summarizeCall(call)).toEqual({
      telephonySessionId: call.telephonySessionId,
      sessionId: call.sessionId,
      accountId: call.accountId,
      source: 'call-log',
      startTime: '2026-03-04T15:20:05.123Z',
      durationSec: 125,
      durationEstimated: false,
      direction: 'inbound',
      internal: false,
      from: { phoneNumber: CALLER, name: 'JANE ROE' },
      to: { phoneNumber: COMPANY_NUMBER, name: 'Sales Line' },
      externalNumber: CALLER,
      result: 'Accepted',
      recordingUrl: expect.stringMatching(/^https:\/\/media\.ringcentral\.com\/.+\/content$/),
    });
  });

  it('an outbound call › the external party is the callee', () => {
    const summary = summarizeCall(outboundNoAnswerCall());
    expect(summary).toMatchObject({
      direction: 'outbound',
      externalNumber: CALLER,
      result: 'No Answer',
      internal: false,
    });
  });

  it('a queue call with one record per member › answered if anyone answered, the longest duration', () => {
    const summary = summarizeCall(queueCall());
    expect(summary).toMatchObject({
      result: 'Accepted',
      durationSec: 95,
      startTime: '2026-03-04T15:20:05.000Z',
    });
  });

  it('a call between two extensions › internal, no external number', () => {
    expect(summarizeCall(internalCall())).toMatchObject({ internal: true, externalNumber: undefined });
  });

  it('durationMs only › seconds from it', () => {
    const call = inboundCall({ duration: undefined, durationMs: 61_600 });
    expect(summarizeCall(call).durationSec).toBe(62);
  });
});

describe('summary › from notifications only (source event)', () => {
  it('uses the user party and estimates the duration from first event to end', () => {
    const summary = summarizeCall(eventOnlyCall());
    expect(summary).toMatchObject({
      source: 'event',
      startTime: '2026-03-04T15:20:04.000Z',
      durationSec: 127,
      durationEstimated: true,
      direction: 'inbound',
      externalNumber: CALLER,
      result: undefined,
    });
  });

  it.each([
    [{ missed: true }, 'Missed'],
    [{ voicemail: true }, 'Voicemail'],
  ])('%o › result %s', (opts, result) => {
    expect(summarizeCall(eventOnlyCall(opts)).result).toBe(result);
  });
});

describe('summary › describeCall', () => {
  it('titles and lines name the caller, the outcome, the duration and the session', () => {
    const call = inboundCall();
    const { title, lines } = describeCall(summarizeCall(call), 'Connected');
    expect(title).toBe('Inbound call from +1 (415) 555-0100 JANE ROE');
    expect(lines).toContain('Result: Connected (RingCentral: Accepted)');
    expect(lines).toContain('Duration: 2 min 5 s');
    expect(lines.join('\n')).toContain(call.sessionId);
  });

  it('an internal call › names both extensions', () => {
    expect(describeCall(summarizeCall(internalCall()), 'Connected').title).toBe(
      'Internal call from ext. 101 Alex Agent to ext. 102 Sam Support',
    );
  });
});
