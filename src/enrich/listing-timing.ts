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

/**
 * The effect side of listing-plan.ts: reads what the plans need (waiting calls, learned visibility,
 * the Heavy budget) from Redis and says when the account's next listing of each kind may go out.
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
        },
        evenGapMs: deps.evenGapMs,
      });
      if (plan?.burstUntil !== undefined && plan.burstUntil > (burstUntil ?? -Infinity))
        await deps.pending.markBurst(accountId, plan.burstUntil);
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
