import { describe, expect, it } from 'vitest';
import { recordLookup, type LookupHistory } from '../../src/enrich/history.js';
import type { LookupOutcome } from '../../src/enrich/plan.js';
import { ErrorCode, LoginError, PermanentError, RetryableError } from '../../src/errors.js';

const absentAt = (listedAt: number): LookupOutcome => ({
  result: { status: 'absent', retryAt: listedAt + 7_000, fetchId: `f${listedAt}`, listedAt, fetched: true },
});

describe('recordLookup › what a call’s job remembers between runs', () => {
  it.each<[string, LookupHistory | undefined, LookupOutcome, LookupHistory | undefined]>([
    [
      'a first miss',
      undefined,
      absentAt(100),
      { 'active-calls': { misses: 1, lastListedAt: 100, failures: 0 } },
    ],
    [
      'a newer listing without the call counts again and clears failures',
      { 'active-calls': { misses: 1, lastListedAt: 100, failures: 2 } },
      absentAt(200),
      { 'active-calls': { misses: 2, lastListedAt: 200, failures: 0 } },
    ],
    [
      'a still-in-progress record is a miss too',
      undefined,
      { result: { status: 'in-progress', retryAt: 1, fetchId: 'f', listedAt: 50, fetched: false } },
      { 'active-calls': { misses: 1, lastListedAt: 50, failures: 0 } },
    ],
    [
      'RingCentral busy: one failure more',
      { 'active-calls': { misses: 1, lastListedAt: 100, failures: 0 } },
      { error: new RetryableError('503', ErrorCode.Unavailable) },
      { 'active-calls': { misses: 1, lastListedAt: 100, failures: 1 } },
    ],
    [
      'login refused: one failure more',
      undefined,
      { error: new LoginError('invalid JWT') },
      { 'active-calls': { misses: 0, failures: 1 } },
    ],
  ])('%s', (_name, before, outcome, after) => {
    expect(recordLookup(before, 'active-calls', outcome)).toEqual(after);
  });

  it.each<[string, LookupOutcome]>([
    ['the same listing read again', absentAt(100)],
    ['an older listing read by a racing reader', absentAt(90)],
    ['no listing yet', { result: { status: 'waiting', retryAt: 1, fetched: false } }],
    [
      'a match (the job ends)',
      { result: { status: 'matched', records: [], fetchId: 'f', listedAt: 1, fetched: true } },
    ],
    ['a permanent error (the job ends)', { error: new PermanentError('403', ErrorCode.PermissionDenied) }],
    ['not RingCentral’s answer', { error: new Error('Redis is gone') }],
  ])('%s teaches nothing: the same object back, so nothing is written', (_name, outcome) => {
    const before: LookupHistory = { 'active-calls': { misses: 1, lastListedAt: 100, failures: 0 } };
    expect(recordLookup(before, 'active-calls', outcome)).toBe(before);
  });

  it.each<[string, LookupHistory | undefined, number, number | undefined]>([
    ['a miss before the deadline is not counted as past it', undefined, 9_000, undefined],
    ['a miss sent at the deadline is', undefined, 10_000, 1],
    [
      'a second one past it',
      { 'active-calls': { misses: 2, lastListedAt: 11_000, missesPastDeadline: 1, failures: 0 } },
      14_000,
      2,
    ],
  ])('%s (deadline 10 s)', (_name, before, listedAt, pastDeadline) => {
    const after = recordLookup(before, 'active-calls', absentAt(listedAt), 10_000);
    expect(after?.['active-calls']?.missesPastDeadline).toBe(pastDeadline);
  });

  it('each source keeps its own history', () => {
    const before: LookupHistory = { 'active-calls': { misses: 3, lastListedAt: 100, failures: 0 } };
    expect(recordLookup(before, 'call-log', absentAt(500))).toEqual({
      'active-calls': { misses: 3, lastListedAt: 100, failures: 0 },
      'call-log': { misses: 1, lastListedAt: 500, failures: 0 },
    });
  });
});
