import { capRetryAfter } from '../infra/retry-after-cap.js';

/** RingCentral's rate-limit groups. */
export type ApiGroup = 'Heavy' | 'Medium' | 'Light' | 'Auth';

/**
 * Who is asking for a slot in a rate group, most urgent first: a lookup for a call whose record is due
 * in Active Calls, a Call Log lookup for calls that need one, then background work (reconcile,
 * back-fill, recording downloads) that must never make a due lookup wait.
 */
export type RequestPriority = 'due' | 'lookup' | 'background';

/** Most urgent first: a waiting request holds back every less urgent one. */
export const priorityRank: Record<RequestPriority, number> = { due: 0, lookup: 1, background: 2 };

/** A request that was told to wait, keeping its place ahead of less urgent ones until `until`. */
export interface Claim {
  id: string;
  priority: RequestPriority;
  until: number;
}

/** One group's budget as Redis holds it, read at `now` (Redis's clock). */
export interface BudgetState {
  now: number;
  /** Send times of the requests still inside the window, oldest first. */
  sent: number[];
  /**
   * Those of them that were not lookups: background work, and requests RingCentral counted that we
   * did not send (learned from its headers).
   */
  backgroundSent?: number[];
  /** Those that were not Active Calls listings (`due`): the above and the Call Log lookups. */
  othersSent?: number[];
  penaltyUntil: number;
  /**
   * Background requests wait until then: lookups have records due (a burst, then its Call Log
   * queries) and every slot of the window may be theirs. 0 when nothing holds them.
   */
  backgroundHeldUntil: number;
  limit: number;
  /** The group's window plus the safety margin. */
  windowMs: number;
  claims: Claim[];
}

export type SlotDecision = { send: true } | { send: false; waitMs: number; claimUntil: number };

/**
 * Background work (reconcile, back-fill, recording downloads) leaves this share of the window to the
 * lookups, so a burst that starts while it runs finds slots at once instead of a window it spent.
 */
const backgroundHeadroom = 0.3;
/** A waiting request keeps its place this long past its wait: its job must wake and ask again. */
export const claimGraceMs = 5_000;

export function headroom(priority: RequestPriority, limit: number): number {
  return priority === 'background' ? Math.floor(limit * backgroundHeadroom) : 0;
}

/**
 * Send now, or wait how long: never what the window or the penalty would refuse, and never a slot a
 * more urgent waiting request (a live claim) is owed. `claimId` names the request across retries
 * (all jobs waiting for one listing share it), so it never counts against itself.
 */
export function decideSlot(
  state: BudgetState,
  ask: { priority: RequestPriority; claimId: string },
): SlotDecision {
  const { now } = state;
  const wait = (waitMs: number): SlotDecision => {
    const ms = Math.max(1, Math.ceil(waitMs));
    return { send: false, waitMs: ms, claimUntil: now + ms + claimGraceMs };
  };
  if (state.penaltyUntil > now) return wait(state.penaltyUntil - now);
  if (ask.priority === 'background' && state.backgroundHeldUntil > now)
    return wait(state.backgroundHeldUntil - now);
  const live = state.sent.filter((at) => at > now - state.windowMs).sort((a, b) => a - b);
  const ahead = new Set(
    state.claims
      .filter(
        (claim) =>
          claim.until > now &&
          claim.id !== ask.claimId &&
          priorityRank[claim.priority] < priorityRank[ask.priority],
      )
      .map((claim) => claim.id),
  ).size;
  const keep = ahead + headroom(ask.priority, state.limit);
  const free = state.limit - live.length;
  if (free > keep) return { send: true };
  // A slot opens for us once enough of the oldest requests have left the window.
  const mustLeave = live.length - (state.limit - keep - 1);
  const opener = live[mustLeave - 1];
  return wait(opener === undefined ? state.windowMs : opener + state.windowMs - now);
}

export interface LearnedLimits {
  limit: number;
  remaining: number;
  windowMs?: number;
}

/** RingCentral's `X-Rate-Limit-*` headers, when a response carries them (other limits send none). */
export function readRateLimitHeaders(headers: Headers): LearnedLimits | undefined {
  if (!headers.has('x-rate-limit-remaining') || !headers.has('x-rate-limit-limit')) return undefined;
  const limit = Number(headers.get('x-rate-limit-limit'));
  const remaining = Number(headers.get('x-rate-limit-remaining'));
  const windowSec = Number(headers.get('x-rate-limit-window'));
  if (!Number.isInteger(limit) || limit <= 0 || !Number.isInteger(remaining) || remaining < 0)
    return undefined;
  return {
    limit,
    remaining: Math.min(remaining, limit),
    windowMs: Number.isFinite(windowSec) && windowSec > 0 ? windowSec * 1000 : undefined,
  };
}

/**
 * How long a refused group waits: what `Retry-After` said, else RingCentral's advice for a 429 without
 * it, and never longer than RC_MAX_RETRY_AFTER_MS (the client logs and counts when that applies).
 */
export function penaltyMs(
  retryAfterMs: number | undefined,
  defaultRetryAfterMs: number,
  maxRetryAfterMs: number,
): number {
  return Math.max(1, capRetryAfter(retryAfterMs ?? defaultRetryAfterMs, maxRetryAfterMs).ms);
}

/** What `/metrics` and `rc-enrich queues` show of one group. */
export interface BudgetSnapshot {
  group: ApiGroup;
  limit: number;
  windowMs: number;
  used: number;
  remaining: number;
  /** Slots owed to requests waiting for them (by priority order). */
  reserved: number;
  penaltyMs: number;
  /** Slots of the window taken by anything but lookups (background work, requests not ours). */
  backgroundUsed: number;
  /** Slots of the window taken by anything but due listings: background work and Call Log lookups. */
  othersUsed: number;
  /** How much longer background requests are held back for the lookups (a burst in progress). */
  backgroundHeldMs: number;
  /** When the oldest request in the window leaves it (a slot comes back); now if none is in it. */
  nextReturnAt: number;
}

export function snapshotOf(group: ApiGroup, state: BudgetState): BudgetSnapshot {
  const live = state.sent.filter((at) => at > state.now - state.windowMs);
  const used = live.length;
  return {
    group,
    limit: state.limit,
    windowMs: state.windowMs,
    used,
    remaining: Math.max(0, state.limit - used),
    reserved: new Set(state.claims.filter((claim) => claim.until > state.now).map((claim) => claim.id)).size,
    penaltyMs: Math.max(0, state.penaltyUntil - state.now),
    backgroundUsed: (state.backgroundSent ?? []).filter((at) => at > state.now - state.windowMs).length,
    othersUsed: (state.othersSent ?? []).filter((at) => at > state.now - state.windowMs).length,
    backgroundHeldMs: Math.max(0, state.backgroundHeldUntil - state.now),
    nextReturnAt: live.length > 0 ? Math.min(...live) + state.windowMs : state.now,
  };
}
