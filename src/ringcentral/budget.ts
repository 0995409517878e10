import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import {
  decideSlot,
  penaltyMs,
  readRateLimitHeaders,
  snapshotOf,
  type BudgetSnapshot,
  type BudgetState,
  type ApiGroup,
  type Claim,
  type RequestPriority,
} from './budget-decision.js';

// The types live with the pure decisions (budget-decision.ts), which must not import this file.
export type { ApiGroup, RequestPriority } from './budget-decision.js';
export const apiGroups: readonly ApiGroup[] = ['Heavy', 'Medium', 'Light', 'Auth'];

export interface BudgetLimits {
  limit: number;
  windowMs: number;
  /** Added to the window: RingCentral counts a request when it arrives, we count it when it leaves. */
  safetyMs: number;
  defaultRetryAfterMs: number;
  /** RC_MAX_RETRY_AFTER_MS: no 429 pauses the group longer than this. */
  maxRetryAfterMs: number;
}

// Shared by every process through Redis, timed by Redis's own clock so hosts need not agree on time.
// Reads the group's state (sliding window of send times, penalty deadline, learned limits, claims of
// waiting requests) for the pure decision in budget-decision.ts.
const readScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(redis.call('HGET', KEYS[3], 'limit') or ARGV[1])
local window = tonumber(redis.call('HGET', KEYS[3], 'windowMs') or ARGV[2]) + tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local held = redis.call('PTTL', KEYS[6])
return { now, limit, window, redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[5]) or '0',
  redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES'),
  held > 0 and now + held or 0 }
`;

// Takes the slot only if the budget is as it was read (compare-and-set on the version).
const takeScript = `
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[1] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[5])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 86400000)
return 1
`;

// RingCentral's X-Rate-Limit-* headers may know of requests we did not send (another app instance, a
// script run by hand). When they report fewer remaining than we think, add placeholders to catch up.
const observeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, remaining, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'limit', limit, 'windowMs', windowMs)
redis.call('PEXPIRE', KEYS[2], 86400000)
local window = windowMs + tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local missing = (limit - remaining) - redis.call('ZCARD', KEYS[1])
for i = 1, missing do redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], window)
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 86400000)
return missing
`;

const penalizeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 86400000)
return untilMs
`;

// The hold is a key's time to live, so it needs no clock shared with the process that set it; a
// shorter hold never cuts a longer one short.
const holdScript = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
`;

/** A taken slot that lost the race to another process is asked for again, this many times. */
const takeAttempts = 5;

/**
 * The request budget of one RingCentral API group, shared by all processes: the scheduler every
 * request of the group asks for a slot. `acquire()` takes one or says how long to wait (see
 * `decideSlot`): nothing is sent that the window or a penalty would refuse, and more urgent waiting
 * requests go first.
 */
export function createBudget(redis: Redis, keys: Keys, group: ApiGroup, limits: BudgetLimits) {
  const zset = keys.budget(group);
  const penalty = keys.budgetPenalty(group);
  const learned = keys.budgetLimits(group);
  const claims = keys.budgetClaims(group);
  const version = keys.budgetVersion(group);
  const backgroundHold = keys.budgetBackgroundHold(group);

  async function read(): Promise<{ state: BudgetState; version: string }> {
    const [now, limit, windowMs, penaltyUntil, readVersion, sent, claimed, heldUntil] = (await redis.eval(
      readScript,
      6,
      zset,
      penalty,
      learned,
      claims,
      version,
      backgroundHold,
      limits.limit,
      limits.windowMs,
      limits.safetyMs,
    )) as [number, number, number, string, string, string[], string[], number];
    return {
      version: readVersion,
      state: {
        now,
        limit,
        windowMs,
        penaltyUntil: Number(penaltyUntil),
        backgroundHeldUntil: heldUntil,
        sent: scores(sent),
        backgroundSent: sentExcept(sent, ['due', 'lookup']),
        othersSent: sentExcept(sent, ['due']),
        claims: pairs(claimed).map(([member, until]) => parseClaim(member, until)),
      },
    };
  }

  return {
    group,
    /**
     * 0 if a slot was taken (send now), else the milliseconds to wait before asking again. `claimId`
     * names the request across retries so its place in line is kept (default: a one-off request).
     */
    async acquire(priority: RequestPriority = 'lookup', claimId: string = randomUUID()): Promise<number> {
      const member = `${priority}|${claimId}`;
      for (let attempt = 0; attempt < takeAttempts; attempt++) {
        const { state, version: seen } = await read();
        const decision = decideSlot(state, { priority, claimId });
        if (!decision.send) {
          await redis
            .multi()
            .zadd(claims, decision.claimUntil, member)
            .pexpire(claims, state.windowMs + decision.waitMs)
            .exec();
          return decision.waitMs;
        }
        const taken = await redis.eval(
          takeScript,
          3,
          zset,
          claims,
          version,
          seen,
          state.now,
          // The sender's priority stays with its slot: a burst's listings know what background work took.
          `${priority}|${randomUUID()}`,
          state.windowMs,
          member,
        );
        if (Number(taken) === 1) return 0;
      }
      // Others keep taking slots under us: ask again in a moment rather than spin.
      return 50;
    },
    async observe(headers: Headers): Promise<void> {
      const seen = readRateLimitHeaders(headers);
      if (!seen) return;
      await redis.eval(
        observeScript,
        3,
        zset,
        learned,
        version,
        seen.limit,
        seen.remaining,
        seen.windowMs ?? limits.windowMs,
        limits.safetyMs,
        randomUUID(),
      );
    },
    /** After a 429: every request of the group waits out `Retry-After` (RingCentral's default without it). */
    async penalize(retryAfterMs: number | undefined): Promise<void> {
      await redis.eval(
        penalizeScript,
        2,
        penalty,
        version,
        penaltyMs(retryAfterMs, limits.defaultRetryAfterMs, limits.maxRetryAfterMs),
      );
    },
    /**
     * Background requests (reconcile, back-fill, downloads) wait `ms` from now: a burst's lookups
     * will want every slot of the window until its records (and its Call Log queries) are done.
     */
    async holdBackground(ms: number): Promise<void> {
      if (ms <= 0) return;
      await redis.eval(holdScript, 1, backgroundHold, Math.ceil(ms));
    },
    /** Used, reserved, penalty: what /metrics and `rc-enrich queues` show. */
    async snapshot(): Promise<BudgetSnapshot> {
      return snapshotOf(group, (await read()).state);
    },
    /** Requests left in the current window, for metrics. */
    async remaining(): Promise<number> {
      return (await this.snapshot()).remaining;
    },
  };
}

export type Budget = ReturnType<typeof createBudget>;

/** RingCentral's documented defaults per user and minute (docs: rate limits); headers correct them. */
const documentedLimits: Record<Exclude<ApiGroup, 'Heavy'>, number> = { Light: 50, Medium: 40, Auth: 5 };

/** One budget per group: Heavy as configured, the others at RingCentral's defaults until headers say more. */
export function createBudgets(redis: Redis, keys: Keys, heavy: BudgetLimits): Record<ApiGroup, Budget> {
  const make = (group: ApiGroup) =>
    createBudget(
      redis,
      keys,
      group,
      group === 'Heavy' ? heavy : { ...heavy, limit: documentedLimits[group], windowMs: 60_000 },
    );
  return { Heavy: make('Heavy'), Medium: make('Medium'), Light: make('Light'), Auth: make('Auth') };
}

function pairs(flat: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}

const scores = (flat: string[]) => pairs(flat).map(([, score]) => score);

/** Send times of the window's slots not taken at these priorities (placeholders have none). */
const sentExcept = (flat: string[], priorities: RequestPriority[]) =>
  pairs(flat)
    .filter(([member]) => !priorities.some((priority) => member.startsWith(`${priority}|`)))
    .map(([, at]) => at);

function parseClaim(member: string, until: number): Claim {
  const cut = member.indexOf('|');
  const priority = member.slice(0, cut);
  return {
    priority: priority === 'due' || priority === 'background' ? priority : 'lookup',
    id: member.slice(cut + 1),
    until,
  };
}
