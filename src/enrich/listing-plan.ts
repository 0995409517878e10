/**
 * When to send the next Active Calls listing of an account: a pure function of the calls waiting for
 * it, RingCentral's visibility delay and the Heavy budget (table-tested in test/enrich/listing-plan.test.ts).
 *
 * A listing is worth sending when records may have become visible since the last one. In steady traffic
 * that is the even pace the budget sustains (one per window / limit, 6.1 s for 10 a minute), less the
 * slots other requests (Call Log lookups, background work) took in the last window. In a burst
 * (more records due per even-paced listing than `burstRecords`), the window's spare requests are spent
 * faster, at `burstPace` of the even gap (slower when background work took some of the window's slots
 * before the burst began), and until the burst's records are due listings leave `callLogReserve` slots
 * of the window to the Call Log, whose queries wait for them (planCallLog). The first listing of a burst
 * waits a whole burst gap after its first record can show: records trickle in at first (RingCentral's
 * visibility delay spreads the ends), and every slot spent early is one missing at the burst's end.
 */
export interface ListingPace {
  /** Records due per even-paced listing from which traffic counts as a burst. */
  burstRecords: number;
  /** The gap between listings in a burst, as a share of the even gap. */
  burstPace: number;
  /** Free slots a burst's listings leave in the window for the Call Log. */
  callLogReserve: number;
}

export const defaultListingPace: ListingPace = { burstRecords: 15, burstPace: 0.65, callLogReserve: 1 };

/** A listing this close to the time a burst's last records are due counts as the one that lists them. */
const lastRecordsSlackMs = 1_000;

/** RingCentral's delay between a call's end and its record in Active Calls (learned, see visibility.ts). */
export interface Visibility {
  minMs: number;
  maxMs: number;
}

export interface ListingPlanInput {
  now: number;
  /** When the latest listing of the account was sent, if any. */
  lastListedAt?: number;
  /** End times of the account's calls still waiting for Active Calls. */
  pendingEnds: number[];
  /** Until when the account's latest burst has records due (set by an earlier plan), if it had one. */
  burstUntil?: number;
  visibility: Visibility;
  /** The Heavy group as the scheduler sees it: free slots now, when one comes back, limit and window. */
  budget: {
    free: number;
    nextReturnAt: number;
    limit: number;
    windowMs: number;
    /** Slots of the window taken by background work (or requests RingCentral counted that we did not send). */
    backgroundUsed?: number;
    /** Slots of the window taken by anything but Active Calls listings (the above, and Call Log lookups). */
    othersUsed?: number;
  };
  /** The steady pace when configured (ENRICH_POLL_INTERVAL_MS); else the budget's, window / limit. */
  evenGapMs?: number;
  /** ENRICH_CALL_LOG_DELAY_MS: the burst's Call Log query goes once the log can have its last call. */
  callLogDelayMs?: number;
}

export interface ListingPlan {
  /** Send the next listing at this time (or as soon as the budget gives a slot after it). */
  at: number;
  /** Listings go faster than the even pace. */
  burst: boolean;
  /** Set when traffic is a burst now: until when its records are due (remember it for the Call Log). */
  burstUntil?: number;
}

/** The next listing of an account, or undefined when no call is waiting for one. */
export function planListing(input: ListingPlanInput, pace = defaultListingPace): ListingPlan | undefined {
  const { now, lastListedAt, pendingEnds, visibility, budget } = input;
  if (pendingEnds.length === 0) return undefined;
  // The even pace leaves the slots other requests took in the last window to them: evenly spaced
  // listings rather than a listing pushed back a whole window each time a Call Log query takes its slot.
  const budgetGap = input.evenGapMs ?? budget.windowMs / budget.limit;
  const evenGap = input.evenGapMs ?? budget.windowMs / Math.max(1, budget.limit - (budget.othersUsed ?? 0));
  // Calls ended within one visibility span are the ones whose records are showing up now.
  const recent = pendingEnds.filter((endedAt) => endedAt > now - visibility.maxMs).length;
  const burstNow = (recent / visibility.maxMs) * evenGap >= pace.burstRecords;
  const burstUntil = burstNow ? Math.max(...pendingEnds) + visibility.maxMs : undefined;
  const rememberedUntil = input.burstUntil ?? -Infinity;
  const recordsStillDue = burstNow || rememberedUntil > now;
  // The burst's pace lasts until a listing went out when its last records were due: the job sending
  // that listing wakes a little after the planned time, and must not find the burst over and wait a
  // whole even gap more. That listing may take the Call Log's slot; a listing only confirming that
  // calls are missing may not, until the burst's Call Log query went (planCallLog).
  const lastRecordsListed = (lastListedAt ?? -Infinity) >= rememberedUntil - lastRecordsSlackMs;
  const inBurst = recordsStillDue || !lastRecordsListed;
  const callLogAt = rememberedUntil - visibility.maxMs + (input.callLogDelayMs ?? -Infinity);
  const reserve = recordsStillDue || (lastRecordsListed && now < callLogAt) ? pace.callLogReserve : 0;
  // In a burst, the slots to spare are spread over the time its known records are still due: never
  // faster than the burst pace (more calls may come), never slower than the even one.
  const spare = budget.free - reserve;
  const dueUntil = Math.max(rememberedUntil, burstUntil ?? -Infinity);
  const spread = lastListedAt === undefined ? 0 : (dueUntil - lastListedAt) / spare;
  // The burst pace assumes the window's slots are the listings'; those background work took before the
  // burst began are made up by a slower pace, so the last of the burst's records still find a listing.
  const listingSlots = budget.limit - reserve;
  const burstGap =
    (pace.burstPace * budgetGap * listingSlots) / Math.max(1, listingSlots - (budget.backgroundUsed ?? 0));
  const gap = inBurst && spare > 0 ? Math.min(evenGap, Math.max(burstGap, spread)) : evenGap;
  const burst = gap < evenGap;
  const dueFrom = Math.min(...pendingEnds) + visibility.minMs;
  // The first listing since the earliest record could show waits half a gap, so it finds some (a whole
  // one in a burst, see above).
  const fresh = lastListedAt === undefined || lastListedAt < dueFrom;
  let at = Math.max(fresh ? dueFrom + (inBurst ? gap : gap / 2) : dueFrom, (lastListedAt ?? -Infinity) + gap);
  // No slot to spare: the next one that comes back.
  if (budget.free <= reserve) at = Math.max(at, budget.nextReturnAt);
  return { at, burst, ...(burstUntil === undefined ? {} : { burstUntil }) };
}

/**
 * When the account's next Call Log query may go out: `intervalMs` after the last and, after a burst,
 * not before the log can have the burst's calls (its last end + `callLogDelayMs`), at most `maxHoldMs`
 * after the asking call's own time: the burst's listings keep their slots, and one query finds more.
 */
export function planCallLog(input: {
  now: number;
  lastListedAt?: number;
  /** The time the asking call wants a query sent after. */
  notBefore: number;
  /** Until when the latest burst has records due in Active Calls (its last end + visibility). */
  burstUntil?: number;
  visibilityMaxMs: number;
  callLogDelayMs: number;
  intervalMs: number;
  maxHoldMs: number;
}): number {
  const after = (input.lastListedAt ?? -Infinity) + input.intervalMs;
  if (input.burstUntil === undefined) return after;
  const logHasBurst = input.burstUntil - input.visibilityMaxMs + input.callLogDelayMs;
  if (logHasBurst <= input.now) return after;
  return Math.max(after, Math.min(logHasBurst, input.notBefore + input.maxHoldMs));
}

/**
 * A call absent from the listings is probably one Active Calls never shows: once `listingsPastDeadline`
 * listings sent after its visibility deadline missed it, it is looked up in the Call Log instead.
 */
export const listingsPastDeadline = 2;

export function visibilityDeadline(endedAt: number, visibility: Visibility): number {
  return endedAt + visibility.maxMs;
}
