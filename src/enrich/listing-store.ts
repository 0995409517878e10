import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Keys } from '../infra/keys.js';

export type ListingKind = 'active-calls' | 'call-log';

export interface ListingMeta {
  fetchId: string;
  /** When the request for it was sent: it holds every record visible at that moment. */
  startedAt: number;
  records: number;
}

/**
 * The latest listing of an account, indexed in Redis by telephonySessionId and sessionId, so that
 * every pending call, in any worker or process, finds its records with one HMGET instead of
 * re-fetching. Old listings expire on their own.
 */
export function createListingStore(redis: Redis, keys: Keys, kind: ListingKind, indexTtlSeconds = 60) {
  // Only the latest listing is read (and the one before, by a reader that raced a refresh), so each
  // index lives for a few intervals: at a listing every 7 s that is a handful of them in Redis at once.
  const metaTtlSeconds = 24 * 3600;
  return {
    async meta(accountId: string): Promise<ListingMeta | null> {
      const raw = await redis.hgetall(keys.listingMeta(kind, accountId));
      if (!raw.fetchId) return null;
      return { fetchId: raw.fetchId, startedAt: Number(raw.startedAt), records: Number(raw.records ?? 0) };
    },

    async save(accountId: string, startedAt: number, records: RingCentralCallRecord[]): Promise<ListingMeta> {
      const fetchId = randomUUID();
      const index = new Map<string, RingCentralCallRecord[]>();
      const file = (field: string, record: RingCentralCallRecord) => {
        const list = index.get(field) ?? [];
        list.push(record);
        index.set(field, list);
      };
      for (const record of records) {
        if (record.telephonySessionId) file(`t:${record.telephonySessionId}`, record);
        if (record.sessionId) file(`s:${record.sessionId}`, record);
      }
      const indexKey = keys.listingIndex(kind, accountId, fetchId);
      const tx = redis.multi();
      if (index.size > 0) {
        tx.hset(
          indexKey,
          Object.fromEntries([...index].map(([field, list]) => [field, JSON.stringify(list)])),
        );
        tx.expire(indexKey, indexTtlSeconds);
      }
      const meta: ListingMeta = { fetchId, startedAt, records: records.length };
      tx.hset(keys.listingMeta(kind, accountId), { ...meta });
      tx.expire(keys.listingMeta(kind, accountId), metaTtlSeconds);
      await tx.exec();
      return meta;
    },

    /** The records of one call in a listing: by telephonySessionId, and by sessionId for records without it. */
    async find(
      accountId: string,
      fetchId: string,
      call: { telephonySessionId: string; sessionId: string },
    ): Promise<RingCentralCallRecord[]> {
      const [byTelephony, bySession] = await redis.hmget(
        keys.listingIndex(kind, accountId, fetchId),
        `t:${call.telephonySessionId}`,
        `s:${call.sessionId}`,
      );
      const found = new Map<string, RingCentralCallRecord>();
      for (const raw of [byTelephony, bySession]) {
        for (const record of raw ? (JSON.parse(raw) as RingCentralCallRecord[]) : []) {
          // sessionId alone could be shared by another telephony session: trust it only without a tsid.
          if (record.telephonySessionId && record.telephonySessionId !== call.telephonySessionId) continue;
          found.set(record.id, record);
        }
      }
      return [...found.values()];
    },
  };
}

export type ListingStore = ReturnType<typeof createListingStore>;
