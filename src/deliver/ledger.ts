import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';

/** How a call left for one adapter: handed to the CRM, or held back by the CRM_FILTER_* settings. */
export type LedgerOutcome = 'delivered' | 'skipped';

export interface LedgerEntry {
  outcome: LedgerOutcome;
  /** ISO time the adapter answered. */
  at: string;
  crmId?: string;
  /** Who scheduled the delivery: the normal path, or a recovery (reconcile, backfill). */
  via?: string;
}

/**
 * Which call reached which adapter, kept for the reconcile horizon (RECONCILE_HORIZON_MS). Written by
 * the deliver worker after the adapter answers and read before every delivery, so the normal path, the
 * reconciler, back-fill and `dlq replay` together hand each call to each adapter once, even after the
 * deliver job itself has been removed (completed jobs are kept a day).
 */
export function createDeliveredLedger(redis: Redis, keys: Keys, ttlMs: number) {
  return {
    async record(adapter: string, telephonySessionId: string, entry: LedgerEntry): Promise<void> {
      await redis.set(keys.delivered(adapter, telephonySessionId), JSON.stringify(entry), 'PX', ttlMs);
    },

    async get(adapter: string, telephonySessionId: string): Promise<LedgerEntry | null> {
      const raw = await redis.get(keys.delivered(adapter, telephonySessionId));
      return raw ? (JSON.parse(raw) as LedgerEntry) : null;
    },

    /** The adapters (of those given) that already have the call, in one round trip. */
    async adaptersWith(adapters: readonly string[], telephonySessionId: string): Promise<Set<string>> {
      if (adapters.length === 0) return new Set();
      const values = await redis.mget(adapters.map((adapter) => keys.delivered(adapter, telephonySessionId)));
      return new Set(adapters.filter((_, index) => values[index] !== null));
    },
  };
}

export type DeliveredLedger = ReturnType<typeof createDeliveredLedger>;
