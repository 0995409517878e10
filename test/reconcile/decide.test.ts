import { describe, expect, it } from 'vitest';
import type { RingCentralCallRecord } from '../../src/calls/types.js';
import { decideRecovery, recordEnd, type CallFacts, type Decision } from '../../src/reconcile/decide.js';

const now = Date.parse('2026-11-30T12:00:00Z');
const grace = 60_000;
const record = (endedAgoMs: number, result = 'Call connected'): RingCentralCallRecord => ({
  id: 'r1',
  sessionId: '42',
  telephonySessionId: 's-1',
  startTime: new Date(now - endedAgoMs - 30_000).toISOString(),
  duration: 30,
  direction: 'Inbound',
  result,
});

const facts = (overrides: Partial<CallFacts> = {}): CallFacts => ({
  telephonySessionId: 's-1',
  records: [record(5 * 60_000)],
  adapters: ['webhook', 'hubspot'],
  inLedger: new Set(),
  deliverJobs: {},
  call: null,
  enrichJob: 'absent',
  ...overrides,
});

const cases: Array<[string, Partial<CallFacts>, Decision]> = [
  [
    'never seen: recover for every adapter',
    {},
    { action: 'recover', reason: 'never-notified', adapters: ['webhook', 'hubspot'] },
  ],
  [
    'in the ledger for every adapter: nothing',
    { inLedger: new Set(['webhook', 'hubspot']) },
    { action: 'leave', why: 'delivered' },
  ],
  [
    'delivered to one adapter (completed job), never to the other: only the other',
    { deliverJobs: { webhook: 'completed' } },
    { action: 'recover', reason: 'never-notified', adapters: ['hubspot'] },
  ],
  [
    'deliver jobs still running: in flight',
    { deliverJobs: { webhook: 'delayed', hubspot: 'active' } },
    { action: 'leave', why: 'in-flight' },
  ],
  [
    'a dead letter is the operator’s',
    { deliverJobs: { webhook: 'failed', hubspot: 'completed' } },
    { action: 'leave', why: 'dead-letter' },
  ],
  [
    'ended, lookup running: in flight',
    { call: { endedAt: now - 200_000 }, enrichJob: 'delayed' },
    { action: 'leave', why: 'in-flight' },
  ],
  [
    'ended, no lookup left (lost, or dead-lettered): finish from the record',
    { call: { endedAt: now - 200_000 }, enrichJob: 'failed' },
    { action: 'recover', reason: 'lookup-missing', adapters: ['webhook', 'hubspot'] },
  ],
  [
    'known, end never arrived: finish from the record',
    { call: {} },
    { action: 'recover', reason: 'end-missing', adapters: ['webhook', 'hubspot'] },
  ],
  [
    'enriched but no delivery anywhere: deliver',
    { call: { endedAt: now - 200_000, doneAt: now - 100_000 }, enrichJob: 'completed' },
    { action: 'recover', reason: 'delivery-missing', adapters: ['webhook', 'hubspot'] },
  ],
  [
    'ended within the grace period: the notifications may be on their way',
    { records: [record(10_000)] },
    { action: 'leave', why: 'too-recent' },
  ],
  ['still in progress', { records: [record(0, 'In Progress')] }, { action: 'leave', why: 'in-progress' }],
  [
    'no telephonySessionId: cannot be matched to the normal path',
    { telephonySessionId: undefined },
    { action: 'leave', why: 'unidentified' },
  ],
];

describe('reconcile › decide', () => {
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(decideRecovery(facts(overrides), now, grace)).toEqual(expected);
  });

  it('a call ends when its latest record does (start + duration)', () => {
    const late = { ...record(0), startTime: new Date(now - 10_000).toISOString(), durationMs: 4_000 };
    expect(recordEnd([record(60_000), late])).toBe(now - 6_000);
  });
});
