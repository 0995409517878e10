import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';

/**
 * A call's story for `rc-enrich call <id>`: notifications, lookups, match, deliveries. Capped and
 * expiring like the rest of the call state, so it never grows without bound.
 */
export interface StoryEntry {
  at: string;
  step:
    | 'notification'
    | 'ended'
    | 'lookup'
    | 'matched'
    | 'not-found'
    | 'ignored'
    | 'delivery'
    | 'dead-letter'
    | 'replay'
    | 'recording'
    | 'recovered';
  [detail: string]: unknown;
}

export function createStory(redis: Redis, keys: Keys, ttlSeconds = 7 * 24 * 3600, maxEntries = 200) {
  return {
    async add(telephonySessionId: string, entry: Omit<StoryEntry, 'at'>): Promise<void> {
      const key = keys.callStory(telephonySessionId);
      await redis
        .multi()
        .rpush(key, JSON.stringify({ at: new Date().toISOString(), ...entry }))
        .ltrim(key, -maxEntries, -1)
        .expire(key, ttlSeconds)
        .exec();
    },
    async list(telephonySessionId: string): Promise<StoryEntry[]> {
      const raw = await redis.lrange(keys.callStory(telephonySessionId), 0, -1);
      return raw.map((entry) => JSON.parse(entry) as StoryEntry);
    },
  };
}

export type Story = ReturnType<typeof createStory>;
