import type { Budget } from '../ringcentral/budget.js';
import type { ActivePending } from './active-pending.js';
import { planCallLog, planListing } from './listing-plan.js';
import type { VisibilityStore } from './visibility.js';

interface Deps {
  pending: ActivePending;
  visibility: VisibilityStore;
  heavy: Budget;
  /** ENRICH_POLL_INTERVAL_MS when set; else the budget's own pace. */
  evenGapMs?: number;
  /** ENRICH_CALL_LOG_INTERVAL_MS and ENRICH_CALL_LOG_DELAY_MS. */
  callLogIntervalMs: number;
  callLogDelayMs: number;
}

/** A Call Log query waits for a burst's Active Calls listings at most this long. */
const callLogMaxHoldMs = 15_000;
/** Background work waits this long past the moment a burst's Call Log queries may go out. */
const backgroundAfterBurstMs = 5_000;

/**
 * Until when a burst's lookups may want every Heavy slot: its records are due in Active Calls until
 * `burstUntil`, and the Call Log queries for those it never lists go out once the log can have them.
 */
function burstBusyUntil(burstUntil: number, visibilityMaxMs: number, callLogDelayMs: number): number {
  const lastEnd = burstUntil - visibilityMaxMs;
  return Math.max(burstUntil, lastEnd + callLogDelayMs) + backgroundAfterBurstMs;
}

/**
 * The effect side of listing-plan.ts: reads what the plans need (waiting calls, learned visibility,
 * the Heavy budget) from Redis and says when the account's next listing of each kind may go out.
 * During a burst it also holds the Heavy group's background requests back until the burst is served.
 */
export function createListingTiming(deps: Deps) {
  return {
    async activeCalls(accountId: string, lastListedAt: number | undefined): Promise<number> {
      const now = Date.now();
      const [pendingEnds, burstUntil, visibility, budget] = await Promise.all([
        deps.pending.ends(accountId, now),
        deps.pending.burstUntil(accountId),
        deps.visibility.current(now),
        deps.heavy.snapshot(),
      ]);
      const plan = planListing({
        now,
        lastListedAt,
        pendingEnds,
        burstUntil,
        visibility,
        budget: {
          free: budget.remaining,
          nextReturnAt: budget.nextReturnAt,
          limit: budget.limit,
          windowMs: budget.windowMs,
          backgroundUsed: budget.backgroundUsed,
          othersUsed: budget.othersUsed,
        },
        evenGapMs: deps.evenGapMs,
        callLogDelayMs: deps.callLogDelayMs,
      });
      if (plan?.burstUntil !== undefined && plan.burstUntil > (burstUntil ?? -Infinity)) {
        // Reconcile, back-fill and downloads would take the slots the burst's last records need.
        const busyUntil = burstBusyUntil(plan.burstUntil, visibility.maxMs, deps.callLogDelayMs);
        await Promise.all([
          deps.pending.markBurst(accountId, plan.burstUntil),
          deps.heavy.holdBackground(busyUntil - now),
        ]);
      }
      // No call waiting (a call asking was just matched elsewhere): allow one at once, the budget decides.
      return plan?.at ?? now;
    },
    async callLog(accountId: string, lastListedAt: number | undefined, notBefore: number): Promise<number> {
      const now = Date.now();
      const [burstUntil, visibility] = await Promise.all([
        deps.pending.burstUntil(accountId),
        deps.visibility.current(now),
      ]);
      return planCallLog({
        now,
        lastListedAt,
        notBefore,
        burstUntil,
        visibilityMaxMs: visibility.maxMs,
        callLogDelayMs: deps.callLogDelayMs,
        intervalMs: deps.callLogIntervalMs,
        maxHoldMs: callLogMaxHoldMs,
      });
    },
  };
}
