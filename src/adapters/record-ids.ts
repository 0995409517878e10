import type { Redis } from 'ioredis';
import { createKeys } from '../infra/keys.js';

/**
 * What an adapter remembers per call: the CRM's id for the record it wrote (so a later attempt updates
 * instead of creating a second one), or that an attempt started creating it ("pending") and did not
 * learn the outcome (a crash, a timeout): the next attempt must look in the CRM before creating again.
 *
 * Kept in Redis under `<keyPrefix>:adapter:<adapter>:record:<idempotencyKey>` when the service gives a
 * Redis (it always does), else in a bounded in-process map (tests, one-off scripts).
 */
export type StoredRecord = { id: string } | { pendingSince: number };

export interface RecordIds {
  get(key: string): Promise<StoredRecord | undefined>;
  /** Mark `key` pending if nothing is stored for it; false when another attempt got there first. */
  claim(key: string): Promise<boolean>;
  /** Mark `key` pending again (taking over a pending mark that has gone stale). */
  reclaim(key: string): Promise<void>;
  set(key: string, id: string): Promise<void>;
  /** Drop a pending mark (the create failed for sure); a stored id is kept. */
  release(key: string): Promise<void>;
}

/**
 * Longer than the dead letters are kept (30 days, queues.ts), so a replayed dead letter still finds the
 * record its first delivery wrote. Bounded, like everything else in Redis.
 */
export const RECORD_TTL_SECONDS = 90 * 24 * 3600;
const MEMORY_LIMIT = 10_000;

const RELEASE_PENDING = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, 8) == 'pending:' then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRecordIds(options: { redis?: Redis; keyPrefix?: string; adapter: string }): RecordIds {
  const prefix = `${options.keyPrefix ?? createKeys('rc-enrich').keyPrefix}:adapter:${options.adapter}:record`;
  const redis = options.redis;
  if (!redis) return memoryRecordIds();
  const keyOf = (key: string) => `${prefix}:${key}`;
  return {
    async get(key) {
      return decode(await redis.get(keyOf(key)));
    },
    async claim(key) {
      return (await redis.set(keyOf(key), `pending:${Date.now()}`, 'EX', RECORD_TTL_SECONDS, 'NX')) === 'OK';
    },
    async reclaim(key) {
      await redis.set(keyOf(key), `pending:${Date.now()}`, 'EX', RECORD_TTL_SECONDS);
    },
    async set(key, id) {
      await redis.set(keyOf(key), `id:${id}`, 'EX', RECORD_TTL_SECONDS);
    },
    async release(key) {
      await redis.eval(RELEASE_PENDING, 1, keyOf(key));
    },
  };
}

function memoryRecordIds(): RecordIds {
  const values = new Map<string, string>();
  const put = (key: string, value: string) => {
    values.delete(key);
    values.set(key, value);
    // Oldest first: a Map iterates in insertion order.
    if (values.size > MEMORY_LIMIT) values.delete(values.keys().next().value as string);
  };
  return {
    async get(key) {
      return decode(values.get(key) ?? null);
    },
    async claim(key) {
      if (values.has(key)) return false;
      put(key, `pending:${Date.now()}`);
      return true;
    },
    async reclaim(key) {
      put(key, `pending:${Date.now()}`);
    },
    async set(key, id) {
      put(key, `id:${id}`);
    },
    async release(key) {
      if (values.get(key)?.startsWith('pending:')) values.delete(key);
    },
  };
}

function decode(value: string | null): StoredRecord | undefined {
  if (value === null) return undefined;
  if (value.startsWith('id:')) return { id: value.slice(3) };
  if (value.startsWith('pending:')) return { pendingSince: Number(value.slice(8)) || 0 };
  return undefined;
}
