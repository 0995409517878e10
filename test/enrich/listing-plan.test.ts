import { describe, expect, it } from 'vitest';
import { planCallLog, planListing, type ListingPlanInput } from '../../src/enrich/listing-plan.js';
import { learnVisibility, type VisibilitySample } from '../../src/enrich/visibility.js';

const now = 100_000;
const visibility = { minMs: 3_000, maxMs: 10_000 };
const heavy = { free: 8, nextReturnAt: now + 30_000, limit: 10, windowMs: 61_000 }; // even gap 6.1 s
const input = (over: Partial<ListingPlanInput>): ListingPlanInput => ({
  now,
  pendingEnds: [],
  visibility,
  budget: heavy,
  ...over,
});
/** `n` calls ended evenly over the `spanMs` before now. */
const ended = (n: number, spanMs: number) => Array.from({ length: n }, (_, i) => now - (i * spanMs) / n);

describe('listing plan › when the next Active Calls listing goes out', () => {
  const burst = ended(80, 8_000); // 10 calls/s: 80 records due per 8 s
  it.each([
    {
      case: 'steady traffic (1 call/s): the even pace after the last listing',
      over: { lastListedAt: now - 2_000, pendingEnds: ended(8, 8_000) },
      at: now - 2_000 + 6_100,
      burst: false,
    },
    {
      case: 'steady traffic, one slot left: it is the listing’s',
      over: { lastListedAt: now - 2_000, pendingEnds: ended(8, 8_000), budget: { ...heavy, free: 1 } },
      at: now - 2_000 + 6_100,
      burst: false,
    },
    {
      case: 'a burst (10 calls/s) with spare slots: 0.65 of the even gap, and its end is remembered',
      over: { lastListedAt: now - 2_000, pendingEnds: burst },
      at: now - 2_000 + 3_965,
      burst: true,
      burstUntil: now + 10_000,
    },
    {
      case: 'a burst after background work took 2 of the window’s slots: the pace makes up for them',
      over: {
        lastListedAt: now - 2_000,
        pendingEnds: burst,
        budget: { ...heavy, free: 8, backgroundUsed: 2 },
      },
      // 9 listing slots paced as if all were there, spread over the 7 left: 3.965 s × 9 / 7.
      at: now - 2_000 + 5_097.9,
      burst: true,
      burstUntil: now + 10_000,
    },
    {
      case: 'a burst with 3 slots to spare for the 12 s its records are still due: one every 4 s',
      over: { lastListedAt: now - 2_000, pendingEnds: burst, budget: { ...heavy, free: 4 } },
      at: now - 2_000 + 4_000,
      burst: true,
      burstUntil: now + 10_000,
    },
    {
      case: 'a burst with two slots left: the even pace, one for its last records, one for the Call Log',
      over: { lastListedAt: now - 2_000, pendingEnds: burst, budget: { ...heavy, free: 2 } },
      at: now - 2_000 + 6_100,
      burst: false,
      burstUntil: now + 10_000,
    },
    {
      case: 'the last listing before the reserve, the burst’s records all due sooner: then (one burst gap on)',
      over: {
        lastListedAt: now - 2_000,
        pendingEnds: ended(3, 8_000),
        burstUntil: now + 1_000,
        budget: { ...heavy, free: 2 },
      },
      at: now - 2_000 + 3_965,
      burst: true,
    },
    {
      case: 'a burst with only the Call Log’s slot left: not before a slot comes back',
      over: { lastListedAt: now - 2_000, pendingEnds: burst, budget: { ...heavy, free: 1 } },
      at: now + 30_000,
      burst: false,
      burstUntil: now + 10_000,
    },
    {
      case: 'the tail of a remembered burst (few calls left): the Call Log’s slot is still kept',
      over: {
        lastListedAt: now - 2_000,
        pendingEnds: ended(3, 8_000),
        burstUntil: now + 3_000,
        budget: { ...heavy, free: 1 },
      },
      at: now + 30_000,
      burst: false,
    },
    {
      case: 'the burst’s last records are due and no listing has them yet: it goes now, on the last slot',
      over: {
        lastListedAt: now - 4_000,
        pendingEnds: [now - 9_000, now - 8_500],
        burstUntil: now - 1,
        budget: { ...heavy, free: 1 },
        callLogDelayMs: 30_000,
      },
      // Its one slot spread over the 4 s its records were due since the last listing.
      at: now - 4_000 + 3_999,
      burst: true,
    },
    {
      case: 'the burst’s last records were listed: a confirming listing leaves the slot to its Call Log query',
      over: {
        lastListedAt: now - 500,
        pendingEnds: [now - 40_000],
        burstUntil: now - 1_000,
        budget: { ...heavy, free: 1 },
        callLogDelayMs: 30_000,
      },
      at: now + 30_000,
      burst: false,
    },
    {
      case: 'once the burst’s Call Log query could go, the last slot is the listing’s again',
      over: {
        lastListedAt: now - 2_000,
        pendingEnds: [now - 40_000],
        burstUntil: now - 21_000,
        budget: { ...heavy, free: 1 },
        callLogDelayMs: 30_000,
      },
      at: now - 2_000 + 6_100,
      burst: false,
    },
    {
      case: 'steady traffic while Call Log lookups took 2 slots of the window: 8 evenly spaced listings',
      over: {
        lastListedAt: now - 2_000,
        pendingEnds: ended(8, 8_000),
        budget: { ...heavy, othersUsed: 2, backgroundUsed: 0 },
      },
      at: now - 2_000 + 7_625,
      burst: false,
    },
    {
      case: 'RingCentral lowered the limit to 5: the even gap doubles',
      over: { lastListedAt: now - 2_000, pendingEnds: ended(8, 8_000), budget: { ...heavy, limit: 5 } },
      at: now - 2_000 + 12_200,
      burst: false,
    },
    {
      case: 'ENRICH_POLL_INTERVAL_MS set: its gap',
      over: { lastListedAt: now - 2_000, pendingEnds: ended(8, 8_000), evenGapMs: 7_000 },
      at: now - 2_000 + 7_000,
      burst: false,
    },
    {
      case: 'the first call of a quiet spell: half a gap after its record can first show',
      over: { lastListedAt: now - 600_000, pendingEnds: [now] },
      at: now + 3_000 + 3_050,
      burst: false,
    },
    {
      case: 'never listed before, a burst starting: a burst gap after the first record can show',
      over: { pendingEnds: burst },
      at: now - 7_900 + 3_000 + 3_965,
      burst: true,
      burstUntil: now + 10_000,
    },
    {
      case: 'only calls past their deadline (owed confirming listings): the even pace',
      over: { lastListedAt: now - 1_000, pendingEnds: [now - 40_000, now - 35_000] },
      at: now - 1_000 + 6_100,
      burst: false,
    },
    {
      case: 'a learned slower visibility (5–20 s): the first listing waits for it',
      over: { pendingEnds: [now], visibility: { minMs: 5_000, maxMs: 20_000 } },
      at: now + 5_000 + 3_050,
      burst: false,
    },
  ])('$case', ({ over, at, burst, burstUntil }) => {
    const plan = planListing(input(over));
    expect(plan?.burst).toBe(burst);
    expect(plan?.at).toBeCloseTo(at, 0);
    expect(plan?.burstUntil).toBe(burstUntil);
  });

  it('no call waiting: no listing', () => {
    expect(planListing(input({ lastListedAt: now - 1_000 }))).toBeUndefined();
  });
});

describe('listing plan › when the next Call Log query goes out', () => {
  const ask = (over: { lastListedAt?: number; notBefore?: number; burstUntil?: number }) =>
    planCallLog({
      now,
      notBefore: now - 1_000,
      visibilityMaxMs: 10_000,
      callLogDelayMs: 30_000,
      intervalMs: 20_000,
      maxHoldMs: 15_000,
      ...over,
    });

  it.each([
    {
      case: 'no burst: the interval after the last query',
      over: { lastListedAt: now - 5_000 },
      at: now + 15_000,
    },
    { case: 'no burst, never queried: at once', over: {}, at: -Infinity },
    {
      case: 'a burst that ended 18 s ago: when the log can have its last call (30 s after it)',
      over: { burstUntil: now - 8_000 },
      at: now + 12_000,
    },
    {
      case: 'a burst still going: held at most 15 s past the asking call’s time',
      over: { burstUntil: now + 10_000 },
      at: now - 1_000 + 15_000,
    },
    {
      case: 'the log has the burst’s calls by now: the interval alone',
      over: { lastListedAt: now - 5_000, burstUntil: now - 20_001 },
      at: now + 15_000,
    },
  ])('$case', ({ over, at }) => {
    expect(ask(over)).toBe(at);
  });
});

describe('listing plan › visibility learned from matches', () => {
  const configured = { minMs: 3_000, maxMs: 10_000 };
  const samples = (n: number, make: (i: number) => VisibilitySample) =>
    Array.from({ length: n }, (_, i) => make(i));

  it('too few matches: the configured window', () => {
    expect(
      learnVisibility(
        samples(19, () => ({ absentMs: 0, presentMs: 1_000 })),
        configured,
      ),
    ).toEqual(configured);
  });

  it('records showing 1–4 s after the end: the window narrows to what was seen', () => {
    // Absent at the delay minus a little, present a little after: tight bounds around 1–4 s.
    const learned = learnVisibility(
      samples(100, (i) => ({ absentMs: 1_000 + i * 30 - 200, presentMs: 1_000 + i * 30 + 300 })),
      configured,
    );
    expect(learned.minMs).toBeGreaterThanOrEqual(1_000);
    expect(learned.minMs).toBeLessThan(1_600);
    expect(learned.maxMs).toBeGreaterThan(3_500);
    expect(learned.maxMs).toBeLessThan(4_100);
  });

  it('a window kept within 0.5–30 s, at least 1 s wide where room allows', () => {
    const learned = learnVisibility(
      samples(50, () => ({ absentMs: 0, presentMs: 0 })),
      configured,
    );
    expect(learned).toEqual({ minMs: 500, maxMs: 1_500 });
    const slow = learnVisibility(
      samples(50, () => ({ absentMs: 90_000, presentMs: 95_000 })),
      configured,
    );
    expect(slow).toEqual({ minMs: 30_000, maxMs: 30_000 });
  });
});
