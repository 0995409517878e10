import { describe, expect, it } from 'vitest';
import { legsComplete, legsOf } from '../../src/adapters/call-legs.js';
import { decideHandling, extensionKind, type ExtensionKind } from '../../src/adapters/legs.js';
import { summarizeCall } from '../../src/adapters/summary.js';
import type { EnrichedCall } from '../../src/calls/types.js';
import {
  abandonedInIvr,
  ALEX,
  directoryExtensions,
  eventOnlyCall,
  inboundCall,
  outboundNoAnswerCall,
  queueAnsweredBySecondAgent,
  queueCall,
  SAM,
  transferredCall,
  voicemailCall,
} from '../fixtures/calls.js';

const kinds = new Map(directoryExtensions.map((e) => [e.id, extensionKind(e.type)]));
const known = (id: string): ExtensionKind => kinds.get(id) ?? 'unknown';
const nothingKnown = (): ExtensionKind => 'unknown';

function handle(call: EnrichedCall, kindOf = known) {
  const summary = summarizeCall(call);
  return decideHandling({
    direction: summary.direction,
    legs: legsOf(call),
    result: call.records[0]?.result ?? summary.result,
    kindOf,
  });
}

describe('legs › the call as the caller lived it', () => {
  it.each([
    [
      'queue answered by the second agent',
      queueAnsweredBySecondAgent,
      'connected',
      SAM.extensionId,
      'answered',
    ],
    ['abandoned in the IVR', abandonedInIvr, 'abandoned', undefined, 'before-extension'],
    ['voicemail in an agent mailbox', voicemailCall, 'voicemail', ALEX.extensionId, 'voicemail'],
    ['transferred from Alex to Sam', transferredCall, 'connected', SAM.extensionId, 'answered'],
    ['one record per queue member, one answered', queueCall, 'connected', '62', 'answered'],
    ['an outbound call nobody picked up', outboundNoAnswerCall, 'no-answer', '62', 'placed'],
  ])('%s › %s, handled by %s', (_name, make, outcome, handler, basis) => {
    const handling = handle(make());
    expect(handling.outcome).toBe(outcome);
    expect(handling.handler?.extensionId).toBe(handler);
    expect(handling.basis).toBe(basis);
  });

  it('the path names who rang, who answered, who transferred', () => {
    expect(handle(queueAnsweredBySecondAgent()).path).toEqual([
      'IVR Main Menu ext. 1000',
      'Queue Sales Queue ext. 2000',
      'Rang Alex Agent ext. 101: not answered',
      'Answered by Sam Support ext. 102',
    ]);
    expect(handle(transferredCall()).path).toEqual([
      'Answered by Alex Agent ext. 101',
      'Transferred by Alex Agent ext. 101 to Sam Support ext. 102',
      'Answered by Sam Support ext. 102',
    ]);
    expect(handle(voicemailCall()).path).toContain('Voicemail of Alex Agent ext. 101');
  });

  it('without extension info the IVR counts as a person (documented limit)', () => {
    const handling = handle(abandonedInIvr(), nothingKnown);
    expect(handling).toMatchObject({ outcome: 'connected', basis: 'answered' });
  });

  it('Active Calls records (no legs) naming only the queue › connected, not abandoned, owner unknown', () => {
    const call = inboundCall({
      extension: { id: 7002 },
      to: { phoneNumber: '+16505550111', name: 'Sales Queue' },
    });
    const handling = decideHandling({
      direction: 'inbound',
      legs: legsOf(call),
      result: 'Accepted',
      kindOf: known,
      complete: legsComplete(call),
    });
    expect(handling).toMatchObject({ outcome: 'connected', basis: 'unidentified' });
    expect(handling.handler).toBeUndefined();
    expect(legsComplete(abandonedInIvr())).toBe(true);
  });

  it('a single answered record › its extension handled it', () => {
    expect(handle(inboundCall())).toMatchObject({ outcome: 'connected', handler: { extensionId: '62' } });
  });

  it('notifications only › a missed extension party means nobody answered', () => {
    const handling = handle(eventOnlyCall({ missed: true }));
    expect(handling).toMatchObject({ outcome: 'missed', basis: 'nobody-answered' });
    expect(handling.handler).toBeUndefined();
  });

  it('notifications only › a voicemail party', () => {
    expect(handle(eventOnlyCall({ voicemail: true })).outcome).toBe('voicemail');
  });

  it('extension types › User is a person, IvrMenu an IVR, Department a queue', () => {
    expect(['User', 'IvrMenu', 'Department', 'ParkLocation', undefined].map(extensionKind)).toEqual([
      'person',
      'ivr',
      'queue',
      'other',
      'unknown',
    ]);
  });
});
