import type { CallMeta } from '../calls/call-state.js';
import type { CallSource, RingCentralCallRecord } from '../calls/types.js';
import { LoginError, PermanentError, ReauthenticateError, RetryableError } from '../errors.js';
import type { LookupHistory, LookupOutcome } from './history.js';
import { listingsPastDeadline, type Visibility } from './listing-plan.js';
import type { ListingKind } from './listing-store.js';

/**
 * What one run of a call's enrich job decides, as values: the processor (enrich/processor.ts) only
 * carries them out. Every function here is a function of its inputs and `now`, so the windows are
 * table-tested with a fake clock (test/enrich/plan.test.ts) instead of waited out in real time.
 */

/** The enrich settings the decisions read (ENRICH_* in config.ts). */
export interface LookupWindows {
  /** A record shows in Active Calls this long after its call ends, at the earliest. */
  visibilityDelayMs: number;
  /** …and at the latest (both corrected by what matches teach, see visibility.ts). */
  visibilityMaxMs: number;
  /** The Call Log can have a call this long after its end (RingCentral: 15–30 s). */
  callLogDelayMs: number;
  /** Active Calls keeps an ended call about 120 s: after this long, only the Call Log can have it. */
  activeWindowMs: number;
  /** How long the Call Log is asked, from the end of the call (or from a dead-letter replay). */
  callLogWindowMs: number;
  quietPeriodMs: number;
  /** How long past the Call Log window a call is still asked for when RingCentral never answered. */
  unavailableRetryMs: number;
}

/** How long to wait when a lookup failed for a reason that will pass. */
export interface LookupLimits {
  /** While RingCentral refuses our credentials (an operator has to fix the config). */
  loginRetryMs: number;
  /** When RingCentral failed without saying when to come back (no Retry-After). */
  retryMs: number;
}

export const defaultLookupLimits: LookupLimits = { loginRetryMs: 60_000, retryMs: 5_000 };

/** A call that came back to life after ending is checked this often until it ends again. */
const reopenedRecheckMs = 30_000;

/** The job's own facts the plan reads: a dead-letter replay and what earlier runs saw. */
export interface LookupJob {
  /** Set by a dead-letter replay: the Call Log is tried again for a full window from this time. */
  replayedAt?: number;
  lookups?: LookupHistory;
}

export type WaitReason = 'reopened' | 'visibility' | 'next-listing' | 'retry-later' | 'login';

export type LookupPlan =
  | { action: 'done' }
  | { action: 'wait'; until: number; reason: WaitReason }
  /** Look the call up in a listing of `source` sent at or after `notBefore`; this source is tried until `until`. */
  | { action: 'lookup'; source: ListingKind; notBefore: number; until: number }
  | { action: 'not-found' }
  /** RingCentral failed every time it was asked the Call Log question, past the bounded extra time. */
  | { action: 'unavailable'; failures: number };

/** When a call's record is due, and until when each source is worth asking. */
export interface LookupDeadlines {
  dueAt: number;
  activeUntil: number;
  callLogUntil: number;
}

export function lookupDeadlines(
  endedAt: number,
  job: LookupJob,
  windows: LookupWindows,
  visibility: Visibility = configuredVisibility(windows),
): LookupDeadlines {
  return {
    dueAt: endedAt + visibility.minMs,
    activeUntil: endedAt + windows.activeWindowMs,
    // A replayed dead letter gets a fresh Call Log window from the moment it was replayed.
    callLogUntil: Math.max(endedAt, job.replayedAt ?? 0) + windows.callLogWindowMs,
  };
}

export const configuredVisibility = (windows: LookupWindows): Visibility => ({
  minMs: windows.visibilityDelayMs,
  maxMs: windows.visibilityMaxMs,
});

/**
 * A call absent from `listingsPastDeadline` listings sent after its record should have shown is one
 * Active Calls does not list: it is looked up in the Call Log as soon as that can have it, not after
 * the ~120 s Active Calls window.
 */
export function missingFromActiveCalls(job: LookupJob): boolean {
  return (job.lookups?.['active-calls']?.missesPastDeadline ?? 0) >= listingsPastDeadline;
}

/** The next thing a call's job does: wait, list Active Calls, query the Call Log, or give up looking. */
export function planLookup(
  call: CallMeta,
  job: LookupJob,
  windows: LookupWindows,
  now: number,
  visibility: Visibility = configuredVisibility(windows),
): LookupPlan {
  if (call.doneAt !== undefined) return { action: 'done' };
  if (call.endedAt === undefined) {
    return {
      action: 'wait',
      until: now + Math.min(reopenedRecheckMs, windows.quietPeriodMs),
      reason: 'reopened',
    };
  }
  const { dueAt, activeUntil, callLogUntil } = lookupDeadlines(call.endedAt, job, windows, visibility);
  // The learned delay errs late (it is learned from listings): from the configured one on, the call
  // looks in the listings already sent (a record that showed early matches there) and waits for the
  // next one, woken when it has the record.
  const lookFrom = Math.min(dueAt, call.endedAt + windows.visibilityDelayMs);
  if (now < lookFrom) return { action: 'wait', until: lookFrom, reason: 'visibility' };
  // A replay comes long after Active Calls forgot the call: straight to the Call Log.
  const inActiveCalls = now < activeUntil && job.replayedAt === undefined;
  if (inActiveCalls && !missingFromActiveCalls(job)) {
    return { action: 'lookup', source: 'active-calls', notBefore: dueAt, until: activeUntil };
  }
  const notBefore = job.replayedAt ?? Math.max(dueAt, call.endedAt + windows.callLogDelayMs);
  if (now < callLogUntil) {
    // A Call Log query sent before the log can have the call would be spent for nothing.
    if (now < notBefore) return { action: 'wait', until: notBefore, reason: 'visibility' };
    return { action: 'lookup', source: 'call-log', notBefore, until: callLogUntil };
  }
  // Not found means RingCentral answered and did not have it. A Call Log that only ever failed (an
  // outage, a 429 storm, refused credentials) is asked again for a bounded time, then dead-lettered.
  // (Failing Active Calls can use up the Call Log window before it is ever asked: that counts too.)
  const { 'call-log': callLog, 'active-calls': active } = job.lookups ?? {};
  const failures = (callLog?.failures ?? 0) + (active?.failures ?? 0);
  if ((callLog?.misses ?? 0) === 0 && failures > 0) {
    const until = callLogUntil + windows.unavailableRetryMs;
    if (now < until) return { action: 'lookup', source: 'call-log', notBefore, until };
    return { action: 'unavailable', failures };
  }
  return { action: 'not-found' };
}

export type { LookupOutcome } from './history.js';

export type LookupStep =
  | { action: 'finish'; source: CallSource; records: RingCentralCallRecord[] }
  | { action: 'wait'; until: number; reason: WaitReason }
  | { action: 'dead-letter'; reason: string }
  /** Not a RingCentral answer (e.g. Redis failed): the job attempt fails and BullMQ retries it. */
  | { action: 'fail'; error: unknown };

/** After a planned lookup: finish with the records, wait for the next listing or for RingCentral, or give up. */
export function afterLookup(
  plan: Extract<LookupPlan, { action: 'lookup' }>,
  outcome: LookupOutcome,
  limits: LookupLimits,
  now: number,
): LookupStep {
  if ('result' in outcome) {
    const { result } = outcome;
    if (result.status === 'matched')
      return { action: 'finish', source: plan.source, records: result.records };
    // Past this source's window the next plan moves on (Call Log, or not found).
    return { action: 'wait', until: Math.min(result.retryAt, plan.until), reason: 'next-listing' };
  }
  const { error } = outcome;
  // LoginError is a PermanentError for everyone else; here it only means "wait for the operator".
  if (error instanceof LoginError)
    return { action: 'wait', until: now + limits.loginRetryMs, reason: 'login' };
  // A 401 on a request: the client dropped the token, the next run logs in again. Costs no attempt.
  if (error instanceof ReauthenticateError)
    return { action: 'wait', until: now + limits.retryMs, reason: 'retry-later' };
  if (error instanceof RetryableError) {
    return { action: 'wait', until: now + (error.retryAfterMs ?? limits.retryMs), reason: 'retry-later' };
  }
  if (error instanceof PermanentError) return { action: 'dead-letter', reason: error.message };
  return { action: 'fail', error };
}
