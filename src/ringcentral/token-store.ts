import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';

/**
 * The SDK keeps its auth data in a pluggable `localStorage` (async getItem/setItem/removeItem/keys).
 * Backing it with Redis gives every process the same token, so a fleet of workers logs in once
 * instead of each process opening its own session (RingCentral allows about five per user).
 * Token entries expire with the refresh token, so nothing stale lingers.
 */
export function createRedisTokenStore(redis: Redis, keys: Keys, ttlSeconds = 7 * 24 * 3600) {
  const prefix = keys.token('');
  return {
    async getItem(item: string): Promise<string | null> {
      return redis.get(keys.token(item));
    },
    async setItem(item: string, value: string): Promise<void> {
      await redis.set(keys.token(item), value, 'EX', ttlSeconds);
    },
    async removeItem(item: string): Promise<void> {
      await redis.del(keys.token(item));
    },
    async keys(): Promise<string[]> {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 100);
        cursor = next;
        found.push(...batch.map((key) => key.slice(prefix.length)));
      } while (cursor !== '0');
      return found;
    },
  };
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
