import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * A single-owner lock across processes (SET NX PX + compare-and-delete). Small on purpose: we only
 * need "one of us does this now, the others wait for its result", never fairness or fencing.
 */
export async function tryLock(
  redis: Redis,
  key: string,
  ttlMs: number,
): Promise<(() => Promise<void>) | null> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return async () => {
    await redis.eval(releaseScript, 1, key, token);
  };
}

/** Wait until nobody holds `key` (or `timeoutMs` passes); returns whether it was released. */
export async function waitForUnlock(
  redis: Redis,
  key: string,
  timeoutMs: number,
  pollMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redis.exists(key)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}
