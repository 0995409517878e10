import { describe, expect, it } from 'vitest';
import type { CallMeta } from '../../src/calls/call-state.js';
import type { RingCentralCallRecord } from '../../src/calls/types.js';
import {
  afterLookup,
  lookupDeadlines,
  planLookup,
  type LookupJob,
  type LookupOutcome,
  type LookupPlan,
  type LookupStep,
} from '../../src/enrich/plan.js';
import {
  ErrorCode,
  LoginError,
  PermanentError,
  ReauthenticateError,
  RetryableError,
} from '../../src/errors.js';

// The production defaults (config.ts), so the table reads in real figures.
const windows = {
  visibilityDelayMs: 3_000,
  visibilityMaxMs: 10_000,
  callLogDelayMs: 15_000,
  activeWindowMs: 115_000,
  callLogWindowMs: 600_000,
  quietPeriodMs: 4 * 3600_000,
  unavailableRetryMs: 6 * 3600_000,
};
const limits = { loginRetryMs: 60_000, retryMs: 5_000 };
const ended = 1_000_000;

function call(facts: Partial<CallMeta> = {}): CallMeta {
  return {
    telephonySessionId: 's-1',
    sessionId: '1',
    accountId: '~',
    firstSeenAt: ended - 60_000,
    lastEventAt: ended,
    endedAt: ended,
    parties: [],
    ...facts,
  };
}

describe('planLookup › one run of a call’s job', () => {
  const replayedAt = ended + 3_600_000;
  it.each<[string, Partial<CallMeta>, LookupJob, number, LookupPlan]>([
    ['already enriched: nothing to do', { doneAt: ended + 5_000 }, {}, ended + 6_000, { action: 'done' }],
    [
      'live again after ending: check back in 30 s',
      { endedAt: undefined },
      {},
      ended,
      { action: 'wait', until: ended + 30_000, reason: 'reopened' },
    ],
    [
      'just ended: wait until the record can be visible',
      {},
      {},
      ended + 1,
      { action: 'wait', until: ended + 3_000, reason: 'visibility' },
    ],
    [
      'due: a listing sent after the due time',
      {},
      {},
      ended + 3_000,
      { action: 'lookup', source: 'active-calls', notBefore: ended + 3_000, until: ended + 115_000 },
    ],
    [
      'last moment of the Active Calls window',
      {},
      {},
      ended + 114_999,
      { action: 'lookup', source: 'active-calls', notBefore: ended + 3_000, until: ended + 115_000 },
    ],
    [
      'Active Calls window closed: the Call Log',
      {},
      {},
      ended + 115_000,
      { action: 'lookup', source: 'call-log', notBefore: ended + 15_000, until: ended + 600_000 },
    ],
    [
      'last moment of the Call Log window',
      {},
      {},
      ended + 599_999,
      { action: 'lookup', source: 'call-log', notBefore: ended + 15_000, until: ended + 600_000 },
    ],
    ['both windows closed: not found', {}, {}, ended + 600_000, { action: 'not-found' }],
    [
      'missed by one listing past its visibility deadline: Active Calls once more',
      {},
      {
        lookups: {
          'active-calls': { misses: 3, lastListedAt: ended + 12_000, missesPastDeadline: 1, failures: 0 },
        },
      },
      ended + 14_000,
      { action: 'lookup', source: 'active-calls', notBefore: ended + 3_000, until: ended + 115_000 },
    ],
    [
      'missed by two listings past its deadline, before the Call Log can have it: wait for that',
      {},
      {
        lookups: {
          'active-calls': { misses: 4, lastListedAt: ended + 13_000, missesPastDeadline: 2, failures: 0 },
        },
      },
      ended + 14_000,
      { action: 'wait', until: ended + 15_000, reason: 'visibility' },
    ],
    [
      'missed by two listings past its deadline: the Call Log now, not after the Active Calls window',
      {},
      {
        lookups: {
          'active-calls': { misses: 4, lastListedAt: ended + 17_000, missesPastDeadline: 2, failures: 0 },
        },
      },
      ended + 18_000,
      { action: 'lookup', source: 'call-log', notBefore: ended + 15_000, until: ended + 600_000 },
    ],
    [
      'replayed dead letter: straight to the Call Log, for a listing sent after the replay',
      {},
      { replayedAt },
      replayedAt,
      { action: 'lookup', source: 'call-log', notBefore: replayedAt, until: replayedAt + 600_000 },
    ],
    [
      'replayed inside the Active Calls window still skips Active Calls',
      {},
      { replayedAt: ended + 10_000 },
      ended + 10_000,
      { action: 'lookup', source: 'call-log', notBefore: ended + 10_000, until: ended + 610_000 },
    ],
    [
      'replayed, and its fresh window closed too',
      {},
      { replayedAt },
      replayedAt + 600_000,
      { action: 'not-found' },
    ],
  ])('%s', (_name, facts, job, now, plan) => {
    expect(planLookup(call(facts), job, windows, now)).toEqual(plan);
  });

  it('a quiet period shorter than 30 s is the recheck interval of a reopened call', () => {
    const plan = planLookup(call({ endedAt: undefined }), {}, { ...windows, quietPeriodMs: 500 }, ended);
    expect(plan).toEqual({ action: 'wait', until: ended + 500, reason: 'reopened' });
  });

  it('a learned visibility (records 5–20 s after the end) moves the due time', () => {
    const learned = { minMs: 5_000, maxMs: 20_000 };
    expect(lookupDeadlines(ended, {}, windows, learned).dueAt).toBe(ended + 5_000);
    // Learned from listings, the delay errs late: from the configured 3 s on, the call reads the
    // listings already sent (its record may be in one) while asking for one sent after the due time.
    expect(planLookup(call(), {}, windows, ended + 2_000, learned)).toEqual({
      action: 'wait',
      until: ended + 3_000,
      reason: 'visibility',
    });
    expect(planLookup(call(), {}, windows, ended + 4_000, learned)).toEqual({
      action: 'lookup',
      source: 'active-calls',
      notBefore: ended + 5_000,
      until: ended + 115_000,
    });
  });

  it('the deadlines follow the windows', () => {
    expect(lookupDeadlines(ended, {}, windows)).toEqual({
      dueAt: ended + 3_000,
      activeUntil: ended + 115_000,
      callLogUntil: ended + 600_000,
    });
  });
});

describe('planLookup › RingCentral failures are not "not found"', () => {
  const closed = ended + 600_000;
  const grace = 6 * 3600_000;
  const failedOnly: LookupJob = { lookups: { 'call-log': { misses: 0, failures: 4 } } };
  const answered: LookupJob = { lookups: { 'call-log': { misses: 1, failures: 0, lastListedAt: ended } } };
  const activeAnswered: LookupJob = {
    lookups: { 'active-calls': { misses: 9, failures: 0 }, 'call-log': { misses: 0, failures: 2 } },
  };
  it.each<[string, LookupJob, number, LookupPlan]>([
    ['the Call Log answered without it: not found', answered, closed, { action: 'not-found' }],
    [
      'the Call Log only ever failed: asked again past the window',
      failedOnly,
      closed,
      { action: 'lookup', source: 'call-log', notBefore: ended + 15_000, until: closed + grace },
    ],
    [
      'Active Calls answering does not make it not-found while the Call Log failed',
      activeAnswered,
      closed + 1,
      { action: 'lookup', source: 'call-log', notBefore: ended + 15_000, until: closed + grace },
    ],
    [
      'bounded: past the extra time, unavailable',
      failedOnly,
      closed + grace,
      { action: 'unavailable', failures: 4 },
    ],
  ])('%s', (_name, job, now, plan) => {
    expect(planLookup(call(), job, windows, now)).toEqual(plan);
  });
});

describe('afterLookup › what a lookup’s answer leads to', () => {
  const now = ended + 20_000;
  const active = {
    action: 'lookup',
    source: 'active-calls',
    notBefore: ended + 3_000,
    until: ended + 115_000,
  } as const;
  const callLog = {
    action: 'lookup',
    source: 'call-log',
    notBefore: ended + 3_000,
    until: ended + 600_000,
  } as const;
  const record: RingCentralCallRecord = {
    id: 'r1',
    sessionId: '1',
    startTime: '2026-01-01T00:00:00Z',
    direction: 'Inbound',
  };
  const listed = { fetchId: 'f1', listedAt: now - 1_000, fetched: true };
  const missing = new Error('Redis is gone');

  it.each<[string, typeof active | typeof callLog, LookupOutcome, LookupStep]>([
    [
      'matched in Active Calls: finish with its records',
      active,
      { result: { status: 'matched', records: [record], fetchId: 'f1', listedAt: 1, fetched: true } },
      { action: 'finish', source: 'active-calls', records: [record] },
    ],
    [
      'matched in the Call Log: finish with source call-log',
      callLog,
      { result: { status: 'matched', records: [record], fetchId: 'f1', listedAt: 1, fetched: false } },
      { action: 'finish', source: 'call-log', records: [record] },
    ],
    [
      'absent: wait for the next listing',
      active,
      { result: { status: 'absent', retryAt: now + 7_000, ...listed } },
      { action: 'wait', until: now + 7_000, reason: 'next-listing' },
    ],
    [
      'still in progress: wait for the next listing',
      active,
      { result: { status: 'in-progress', retryAt: now + 7_000, ...listed } },
      { action: 'wait', until: now + 7_000, reason: 'next-listing' },
    ],
    [
      'no listing yet: wait until one may be sent',
      active,
      { result: { status: 'waiting', retryAt: now + 2_000, fetched: false } },
      { action: 'wait', until: now + 2_000, reason: 'next-listing' },
    ],
    [
      'next listing after the window: wake at the window’s end to move on',
      active,
      { result: { status: 'absent', retryAt: ended + 120_000, ...listed } },
      { action: 'wait', until: ended + 115_000, reason: 'next-listing' },
    ],
    [
      '429 with Retry-After: wait that long',
      active,
      { error: new RetryableError('429', ErrorCode.RateLimited, 30_000) },
      { action: 'wait', until: now + 30_000, reason: 'retry-later' },
    ],
    [
      '5xx without Retry-After: wait the default',
      callLog,
      { error: new RetryableError('503', ErrorCode.Unavailable) },
      { action: 'wait', until: now + 5_000, reason: 'retry-later' },
    ],
    [
      'login refused: wait a minute for the operator, no dead letter',
      active,
      { error: new LoginError('invalid JWT') },
      { action: 'wait', until: now + 60_000, reason: 'login' },
    ],
    [
      'a permission missing: dead letter with the reason',
      active,
      { error: new PermanentError('HTTP 403 CMN-408: needs ReadCallLog', ErrorCode.PermissionDenied) },
      { action: 'dead-letter', reason: 'HTTP 403 CMN-408: needs ReadCallLog' },
    ],
    [
      'not RingCentral’s answer: the attempt fails',
      active,
      { error: missing },
      { action: 'fail', error: missing },
    ],
  ])('%s', (_name, plan, outcome, step) => {
    expect(afterLookup(plan, outcome, limits, now)).toEqual(step);
  });

  it('a 401 waits for the next run (the client dropped the token) instead of burning an attempt', () => {
    const error = new ReauthenticateError('HTTP 401');
    expect(afterLookup(active, { error }, limits, now)).toEqual({
      action: 'wait',
      until: now + 5_000,
      reason: 'retry-later',
    });
  });
});
