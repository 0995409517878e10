import { describe, expect, it } from 'vitest';
import type { EnrichedCall, RingCentralCallRecord } from '../../src/calls/types.js';
import {
  RECORDING_PATIENCE_MS,
  RECORDS_PATIENCE_MS,
  callLogRange,
  decideLateData,
  lateDataWanted,
  type LateDataWatch,
} from '../../src/late-data/decide.js';
import { inboundCall } from '../fixtures/calls.js';

const interval = 60_000;
const t0 = Date.parse('2026-03-04T16:10:00.000Z');

function watch(overrides: Partial<LateDataWatch> = {}): LateDataWatch {
  const call = inboundCall({ recording: undefined });
  return {
    telephonySessionId: call.telephonySessionId,
    accountId: call.accountId,
    adapter: 'webhook',
    wants: 'recording',
    call,
    since: t0,
    misses: 0,
    ...overrides,
  };
}
const withRecording = (): RingCentralCallRecord[] => inboundCall().records;
const withoutRecording = (): RingCentralCallRecord[] => inboundCall({ recording: undefined }).records;

describe('late data › what a delivered call may still gain', () => {
  const agent = {
    id: 'p-2',
    status: 'Disconnected',
    sequence: 9,
    recordings: [{ id: '2503648004', active: false }],
  };
  const announced = (call: EnrichedCall): EnrichedCall => ({ ...call, parties: [agent] });
  it.each<[string, EnrichedCall, string | undefined]>([
    ['records carry the announced recording', announced(inboundCall()), undefined],
    [
      'a recording announced, missing from the records',
      announced(inboundCall({ recording: undefined })),
      'recording',
    ],
    ['no recording announced', inboundCall({ recording: undefined }), undefined],
    ['no records at all (delivered from notifications)', { ...inboundCall(), records: [] }, 'records'],
  ])('%s', (_name, call, wanted) => {
    expect(lateDataWanted(call)).toBe(wanted);
  });
});

describe('late data › the verdict after one Call Log read', () => {
  it('the recording arrived › update with the new records', () => {
    const verdict = decideLateData(watch(), withRecording(), t0 + interval, interval);
    expect(verdict).toMatchObject({ kind: 'update', changes: ['recording'] });
  });

  it('the record of a notifications-only call arrived, with its recording › records and recording, source call-log', () => {
    const verdict = decideLateData(watch({ wants: 'records' }), withRecording(), t0 + interval, interval);
    expect(verdict).toMatchObject({
      kind: 'update',
      changes: ['records', 'recording'],
      call: { source: 'call-log' },
    });
  });

  it.each([
    [0, interval],
    [1, 2 * interval],
    [3, 8 * interval],
    [6, 10 * interval],
  ])('nothing yet after %i misses › look again %i ms later', (misses, wait) => {
    const now = t0 + 5 * interval;
    expect(decideLateData(watch({ misses }), withoutRecording(), now, interval)).toEqual({
      kind: 'wait',
      nextCheckAt: now + wait,
    });
  });

  it.each([
    ['recording', RECORDING_PATIENCE_MS],
    ['records', RECORDS_PATIENCE_MS],
  ] as const)(
    'still no %s once RingCentral is long past its own delay › give up, saying why',
    (wants, patience) => {
      const verdict = decideLateData(watch({ wants }), [], t0 + patience, interval);
      expect(verdict.kind).toBe('give-up');
      expect(verdict.kind === 'give-up' && verdict.reason).toMatch(/minutes/);
    },
  );

  it('one Call Log range covers every watched call, with a minute of slack each side', () => {
    const a = watch();
    const b = watch({
      call: { ...a.call, firstSeenAt: '2026-03-04T15:00:00.000Z', endedAt: '2026-03-04T15:05:00.000Z' },
    });
    expect(callLogRange([a, b])).toEqual({
      dateFrom: '2026-03-04T14:59:00.000Z',
      dateTo: new Date(Date.parse(a.call.endedAt) + 60_000).toISOString(),
    });
  });
});
