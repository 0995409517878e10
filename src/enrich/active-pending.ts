import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';

/** Calls older than this are no one's business any more (Active Calls forgets a call in ~120 s). */
const horizonMs = 10 * 60 * 1000;

/**
 * The calls of an account waiting for Active Calls, by end time, shared by all processes: the
 * listing plan (listing-plan.ts) times the account's next listing from them.
 */
export function createActivePending(redis: Redis, keys: Keys) {
  return {
    async add(accountId: string, telephonySessionId: string, endedAt: number): Promise<void> {
      const key = keys.activePending(accountId);
      await redis
        .multi()
        .zadd(key, String(endedAt), telephonySessionId)
        .zremrangebyscore(key, '-inf', String(Date.now() - horizonMs))
        .pexpire(key, horizonMs)
        .exec();
    },
    async remove(accountId: string, telephonySessionId: string): Promise<void> {
      await redis.zrem(keys.activePending(accountId), telephonySessionId);
    },
    /** Remember until when the account's burst has records due (listing-plan.ts). */
    async markBurst(accountId: string, until: number): Promise<void> {
      await redis.set(
        keys.burstUntil(accountId),
        String(until),
        'PX',
        Math.max(1, until - Date.now() + 60_000),
      );
    },
    async burstUntil(accountId: string): Promise<number | undefined> {
      const raw = await redis.get(keys.burstUntil(accountId));
      return raw === null ? undefined : Number(raw);
    },
    /** End times of the waiting calls, oldest first. */
    async ends(accountId: string, now = Date.now()): Promise<number[]> {
      const raw = await redis.zrangebyscore(
        keys.activePending(accountId),
        String(now - horizonMs),
        '+inf',
        'WITHSCORES',
      );
      return raw.filter((_, i) => i % 2 === 1).map(Number);
    },
  };
}

export type ActivePending = ReturnType<typeof createActivePending>;
