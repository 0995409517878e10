import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * A single-owner lock across processes (SET NX PX + compare-and-delete). Small on purpose: we only
 * need "one of us does this now, the others wait for its result", never fairness or fencing.
 */
async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return async () => {
    await redis.eval(releaseScript, 1, key, token);
  };
}

/** Wait until nobody holds `key` (or `timeoutMs` passes); returns whether it was released. */
async function waitForUnlock(redis: Redis, key: string, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redis.exists(key)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}

export interface ExclusiveOptions<T> {
  /** How long the lock outlives a holder that died without releasing it. */
  ttlMs: number;
  /** How long to keep trying, waiting included, before `onTimeout`. */
  waitMs: number;
  /** How often a waiter looks whether the holder let go. */
  pollMs?: number;
  /**
   * Asked after another holder let go: `{ value }` when its work serves us too (then `work` does not
   * run and `value` is the result); undefined to try for the lock again.
   */
  reuse?: () => Promise<{ value: T } | undefined>;
  /** The result (or the error to throw) when `waitMs` passed and we never got the lock. */
  onTimeout: () => T;
}

/**
 * The lock-and-wait loop: run `work` as the one holder of `key` across every process, or wait for the
 * current holder and reuse what it did. The lock is released as soon as `work` settles.
 */
export async function runExclusive<T>(
  redis: Redis,
  key: string,
  options: ExclusiveOptions<T>,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  while (Date.now() < deadline) {
    const release = await tryLock(redis, key, options.ttlMs);
    if (release) {
      try {
        return await work();
      } finally {
        await release();
      }
    }
    const remaining = Math.max(0, deadline - Date.now());
    if (!(await waitForUnlock(redis, key, remaining, options.pollMs))) break;
    const reused = await options.reuse?.();
    if (reused) return reused.value;
  }
  return options.onTimeout();
}
