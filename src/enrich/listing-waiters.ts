import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Keys } from '../infra/keys.js';
import type { ListingKind } from './listing-store.js';

/** Waiting entries outlive the longest sleep between two listings; the set is only a shortcut. */
const ttlSeconds = 120;

interface CallKeys {
  telephonySessionId: string;
  sessionId: string;
}

/**
 * Jobs sleeping until an account's next listing, woken the moment a listing with their record is
 * saved: a listing is timed by the plan at every run, and a job must not sleep through one sent
 * sooner than it was told. Only the jobs whose record is in it are woken, so they are not queued
 * behind the ones it does not serve.
 */
export function createListingWaiters(redis: Redis, keys: Keys, enrich: Queue) {
  return {
    async add(kind: ListingKind, accountId: string, call: CallKeys, jobId: string): Promise<void> {
      const key = keys.listingWaiters(kind, accountId);
      await redis
        .multi()
        .hset(key, `t:${call.telephonySessionId}`, jobId, `s:${call.sessionId}`, jobId)
        .expire(key, ttlSeconds)
        .exec();
    },
    /** Moves the jobs of the listing's records from delayed to waiting (one already running is left be). */
    async wake(kind: ListingKind, accountId: string, records: RingCentralCallRecord[]): Promise<void> {
      const key = keys.listingWaiters(kind, accountId);
      const fields = [
        ...new Set(
          records.flatMap((record) => [
            ...(record.telephonySessionId ? [`t:${record.telephonySessionId}`] : []),
            `s:${record.sessionId}`,
          ]),
        ),
      ];
      if (fields.length === 0) return;
      const found = await redis.hmget(key, ...fields);
      const ids = [...new Set(found.filter((id): id is string => id !== null))];
      if (ids.length === 0) return;
      await redis.hdel(key, ...fields.filter((_, i) => found[i] !== null));
      await Promise.all(
        ids.map(async (id) => {
          const job = await enrich.getJob(id);
          await job?.promote().catch(() => undefined); // no longer delayed: it is running already
        }),
      );
    },
  };
}

export type ListingWaiters = ReturnType<typeof createListingWaiters>;
