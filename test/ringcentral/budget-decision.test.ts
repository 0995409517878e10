import { describe, expect, it } from 'vitest';
import {
  decideSlot,
  penaltyMs,
  readRateLimitHeaders,
  snapshotOf,
  type BudgetState,
  type Claim,
} from '../../src/ringcentral/budget-decision.js';

/** Heavy as RingCentral sets it, our 1 s safety included; the clock is whatever `now` says. */
const heavy = (now: number, sent: number[], extra: Partial<BudgetState> = {}): BudgetState => ({
  now,
  sent,
  penaltyUntil: 0,
  backgroundHeldUntil: 0,
  limit: 10,
  windowMs: 61_000,
  claims: [],
  ...extra,
});
const claim = (id: string, priority: Claim['priority'], until = 100_000): Claim => ({ id, priority, until });
const full = Array.from({ length: 10 }, (_, i) => 1_000 + i * 1_000); // 10 sent at 1 s, 2 s, … 10 s

describe('budget decision › window', () => {
  it.each([
    { case: 'empty window', sent: [], now: 0, send: true },
    { case: 'nine of ten used', sent: full.slice(1), now: 20_000, send: true },
    { case: 'ten of ten used: wait for the oldest to leave', sent: full, now: 20_000, waitMs: 42_000 },
    { case: 'the oldest has left the window', sent: full, now: 62_001, send: true },
  ])('$case', ({ sent, now, send, waitMs }) => {
    const decision = decideSlot(heavy(now, sent), { priority: 'due', claimId: 'listing' });
    if (send) expect(decision).toEqual({ send: true });
    else expect(decision).toMatchObject({ send: false, waitMs });
  });
});

describe('budget decision › priorities', () => {
  const seven = full.slice(0, 7); // 3 free
  it.each([
    { priority: 'due', send: true },
    { priority: 'lookup', send: true },
    // Background leaves 3 of 10 to the lookups: with 3 free it waits for the oldest to leave.
    { priority: 'background', send: false, waitMs: 62_000 - 20_000 },
  ] as const)('$priority with 3 free and nobody waiting → send: $send', ({ priority, send, waitMs }) => {
    const decision = decideSlot(heavy(20_000, seven), { priority, claimId: 'x' });
    expect(decision.send).toBe(send);
    if (!decision.send) expect(decision.waitMs).toBe(waitMs);
  });

  it('while a burst holds background work back, it waits out the hold even with the window empty', () => {
    const held = heavy(20_000, [], { backgroundHeldUntil: 45_000 });
    expect(decideSlot(held, { priority: 'background', claimId: 'reconcile' })).toMatchObject({
      send: false,
      waitMs: 25_000,
    });
    // The lookups the hold is for go at once…
    expect(decideSlot(held, { priority: 'due', claimId: 'listing' })).toEqual({ send: true });
    expect(decideSlot(held, { priority: 'lookup', claimId: 'call-log' })).toEqual({ send: true });
    // …and once it lapses, background work takes a slot again.
    expect(decideSlot({ ...held, now: 45_000 }, { priority: 'background', claimId: 'reconcile' })).toEqual({
      send: true,
    });
    expect(snapshotOf('Heavy', held).backgroundHeldMs).toBe(25_000);
  });

  it('a waiting due lookup is owed the next slot: a Call Log lookup waits behind it', () => {
    const nine = full.slice(0, 9);
    const state = heavy(20_000, nine, { claims: [claim('GET /active-calls', 'due')] });
    expect(decideSlot(state, { priority: 'lookup', claimId: 'GET /call-log' })).toMatchObject({
      send: false,
    });
    // …while the due lookup itself takes it: its own claim never counts against it.
    expect(decideSlot(state, { priority: 'due', claimId: 'GET /active-calls' })).toEqual({ send: true });
  });

  it('many jobs waiting for one listing hold one place, not one each', () => {
    const eight = full.slice(0, 8);
    const claims = [claim('GET /active-calls', 'due'), claim('GET /active-calls', 'due')];
    expect(decideSlot(heavy(20_000, eight, { claims }), { priority: 'lookup', claimId: 'c' })).toEqual({
      send: true,
    });
  });

  it('a lapsed claim (its job never came back) holds nothing', () => {
    const nine = full.slice(0, 9);
    const claims = [claim('GET /active-calls', 'due', 19_999)];
    expect(decideSlot(heavy(20_000, nine, { claims }), { priority: 'lookup', claimId: 'c' })).toEqual({
      send: true,
    });
  });

  it('a less urgent waiting request never holds back a more urgent one', () => {
    const nine = full.slice(0, 9);
    const claims = [claim('reconcile', 'background'), claim('GET /call-log', 'lookup')];
    expect(decideSlot(heavy(20_000, nine, { claims }), { priority: 'due', claimId: 'l' })).toEqual({
      send: true,
    });
  });

  it('a refused request keeps its place a little past its wait, for its job to come back', () => {
    const decision = decideSlot(heavy(20_000, full), { priority: 'due', claimId: 'l' });
    expect(decision).toEqual({ send: false, waitMs: 42_000, claimUntil: 20_000 + 42_000 + 5_000 });
  });
});

describe('budget decision › penalty (any group, Auth included)', () => {
  it.each([
    { case: 'inside the penalty, even with the window empty', now: 10_000, waitMs: 50_000 },
    { case: 'one millisecond before the end', now: 59_999, waitMs: 1 },
  ])('$case → wait for it to end', ({ now, waitMs }) => {
    const auth = heavy(now, [], { limit: 5, penaltyUntil: 60_000 });
    expect(decideSlot(auth, { priority: 'due', claimId: 'login' })).toMatchObject({ send: false, waitMs });
  });

  it('after the penalty the window decides again', () => {
    const auth = heavy(60_000, [], { limit: 5, penaltyUntil: 60_000 });
    expect(decideSlot(auth, { priority: 'due', claimId: 'login' })).toEqual({ send: true });
  });

  it.each([
    { retryAfterMs: 60_000, expected: 60_000 },
    { retryAfterMs: undefined, expected: 30_000 },
    { retryAfterMs: 0, expected: 1 },
    // One 429 saying "24 hours" stopped every Heavy lookup for a day: capped at RC_MAX_RETRY_AFTER_MS.
    { retryAfterMs: 24 * 3600_000, expected: 300_000 },
  ])('Retry-After $retryAfterMs → penalty $expected ms', ({ retryAfterMs, expected }) => {
    expect(penaltyMs(retryAfterMs, 30_000, 300_000)).toBe(expected);
  });
});

describe('budget decision › learned limits', () => {
  it.each([
    {
      headers: { 'X-Rate-Limit-Limit': '5', 'X-Rate-Limit-Remaining': '3', 'X-Rate-Limit-Window': '60' },
      learned: { limit: 5, remaining: 3, windowMs: 60_000 },
    },
    {
      headers: { 'X-Rate-Limit-Limit': '3', 'X-Rate-Limit-Remaining': '0' },
      learned: { limit: 3, remaining: 0, windowMs: undefined },
    },
    { headers: { 'X-Rate-Limit-Remaining': '3' }, learned: undefined },
    { headers: { 'X-Rate-Limit-Limit': 'lots', 'X-Rate-Limit-Remaining': '3' }, learned: undefined },
    { headers: {}, learned: undefined },
  ] as Array<{ headers: Record<string, string>; learned: unknown }>)(
    '$headers → $learned',
    ({ headers, learned }) => {
      expect(readRateLimitHeaders(new Headers(headers))).toEqual(learned);
    },
  );

  it('a lowered limit applies at once: 3 used of a learned 3 waits', () => {
    const state = heavy(20_000, full.slice(0, 3), { limit: 3 });
    expect(decideSlot(state, { priority: 'due', claimId: 'l' })).toMatchObject({
      send: false,
      waitMs: 42_000,
    });
  });
});

describe('budget decision › snapshot', () => {
  it('used, remaining, reserved and penalty at now', () => {
    const state = heavy(20_000, full.slice(0, 4), {
      penaltyUntil: 30_000,
      claims: [claim('a', 'due'), claim('a', 'due'), claim('b', 'lookup', 10_000)],
    });
    expect(snapshotOf('Heavy', state)).toEqual({
      group: 'Heavy',
      limit: 10,
      windowMs: 61_000,
      used: 4,
      remaining: 6,
      reserved: 1,
      penaltyMs: 10_000,
      backgroundUsed: 0,
      othersUsed: 0,
      backgroundHeldMs: 0,
      nextReturnAt: 1_000 + 61_000,
    });
  });
});
