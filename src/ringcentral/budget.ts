import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';

export type ApiGroup = 'Heavy' | 'Medium' | 'Light' | 'Auth';

/**
 * Who is asking for a slot in a rate group, most urgent first: a lookup for a call whose record is due
 * in Active Calls, a Call Log lookup for calls that need one, then background work (reconcile,
 * back-fill, recording downloads) that must never make a due lookup wait.
 */
export type RequestPriority = 'due' | 'lookup' | 'background';

export interface BudgetLimits {
  limit: number;
  windowMs: number;
  /** Added to the window: RingCentral counts a request when it arrives, we count it when it leaves. */
  safetyMs: number;
  defaultRetryAfterMs: number;
}

// Shared by every process through Redis, timed by Redis's own clock so hosts need not agree on time.
// Sliding window of sent requests (a sorted set scored by send time) plus a penalty deadline set by a 429.
const reserveScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local penalty = tonumber(redis.call('GET', KEYS[2]) or '0')
if penalty > now then return penalty - now end
local limit = tonumber(redis.call('HGET', KEYS[3], 'limit') or ARGV[1])
local window = tonumber(redis.call('HGET', KEYS[3], 'windowMs') or ARGV[2]) + tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  if ARGV[4] == '1' then
    redis.call('ZADD', KEYS[1], now, ARGV[5])
    redis.call('PEXPIRE', KEYS[1], window)
  end
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

// RingCentral's X-Rate-Limit-* headers may know of requests we did not send (another app instance, a
// script run by hand). When they report fewer remaining than we think, add placeholders to catch up.
const observeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, remaining, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'limit', limit, 'windowMs', windowMs)
local window = windowMs + tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local missing = (limit - remaining) - redis.call('ZCARD', KEYS[1])
for i = 1, missing do redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], window)
return missing
`;

const penalizeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
return untilMs
`;

/**
 * The request budget of one RingCentral API group, shared by all processes. `reserve()` takes a slot
 * or says how long to wait: no request is sent that the budget says will be refused, and after a 429
 * every request of the group waits out `Retry-After`.
 */
export function createBudget(redis: Redis, keys: Keys, group: ApiGroup, limits: BudgetLimits) {
  const zset = keys.budget(group);
  const penalty = keys.budgetPenalty(group);
  const learned = keys.budgetLimits(group);
  const run = async (commit: boolean) =>
    Number(
      await redis.eval(
        reserveScript,
        3,
        zset,
        penalty,
        learned,
        limits.limit,
        limits.windowMs,
        limits.safetyMs,
        commit ? '1' : '0',
        randomUUID(),
      ),
    );

  return {
    group,
    /** 0 if a slot was taken (send now), else the milliseconds to wait before asking again. */
    reserve: () => run(true),
    /** Like reserve, without taking the slot. */
    peek: () => run(false),
    async observe(headers: Headers): Promise<void> {
      const limit = Number(headers.get('x-rate-limit-limit'));
      const remaining = Number(headers.get('x-rate-limit-remaining'));
      const windowSec = Number(headers.get('x-rate-limit-window'));
      if (!headers.has('x-rate-limit-remaining') || !Number.isFinite(limit) || !Number.isFinite(remaining))
        return;
      const windowMs = Number.isFinite(windowSec) && windowSec > 0 ? windowSec * 1000 : limits.windowMs;
      await redis.eval(
        observeScript,
        2,
        zset,
        learned,
        limit,
        remaining,
        windowMs,
        limits.safetyMs,
        randomUUID(),
      );
    },
    async penalize(retryAfterMs: number | undefined): Promise<void> {
      await redis.eval(penalizeScript, 1, penalty, Math.max(1, retryAfterMs ?? limits.defaultRetryAfterMs));
    },
    /** Requests left in the current window, for metrics. */
    async remaining(): Promise<number> {
      const [limit, used] = await Promise.all([redis.hget(learned, 'limit'), redis.zcard(zset)]);
      return Math.max(0, Number(limit ?? limits.limit) - used);
    },
  };
}

export type Budget = ReturnType<typeof createBudget>;
