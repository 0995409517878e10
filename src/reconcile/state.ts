import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { CallLogPeriod } from './call-log-pages.js';

/** A scan under way: the period (fixed when it started) and the next page to read. */
export interface ReconcileCursor extends CallLogPeriod {
  page: number;
  /** Records read and calls recovered by this scan so far. */
  scanned: number;
  recovered: number;
}

export interface ReconcileState {
  /** When reconcile was first turned on: earlier calls are back-fill's, never the reconciler's. */
  enabledAt?: number;
  /** Every call that started before this (minus the overlap) and had ended has been reconciled. */
  watermark?: number;
  cursor?: ReconcileCursor;
  lastRunAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  /** Records read and calls recovered by the last complete scan. */
  lastScanned?: number;
  lastRecovered?: number;
}

const numberOf = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/**
 * The reconciler's bookkeeping in one Redis hash: the watermark survives restarts, and a scan stopped
 * half-way (budget, a crash, a deploy) resumes at its page. No TTL: it is one small hash per service.
 */
export function createReconcileStore(redis: Redis, keys: Keys) {
  const key = keys.reconcileState();
  return {
    async read(): Promise<ReconcileState> {
      const raw = await redis.hgetall(key);
      const cursor =
        raw.cursorFrom && raw.cursorTo && raw.cursorPage
          ? {
              from: Number(raw.cursorFrom),
              to: Number(raw.cursorTo),
              page: Number(raw.cursorPage),
              scanned: Number(raw.cursorScanned ?? 0),
              recovered: Number(raw.cursorRecovered ?? 0),
            }
          : undefined;
      return {
        enabledAt: numberOf(raw.enabledAt),
        watermark: numberOf(raw.watermark),
        cursor,
        lastRunAt: numberOf(raw.lastRunAt),
        lastSuccessAt: numberOf(raw.lastSuccessAt),
        lastError: raw.lastError || undefined,
        lastScanned: numberOf(raw.lastScanned),
        lastRecovered: numberOf(raw.lastRecovered),
      };
    },

    /** Remember when reconcile was first turned on (kept across restarts and later enables). */
    async markEnabled(now = Date.now()): Promise<void> {
      await redis.hsetnx(key, 'enabledAt', now);
    },

    async saveCursor(cursor: ReconcileCursor, now = Date.now()): Promise<void> {
      await redis.hset(key, {
        cursorFrom: cursor.from,
        cursorTo: cursor.to,
        cursorPage: cursor.page,
        cursorScanned: cursor.scanned,
        cursorRecovered: cursor.recovered,
        lastRunAt: now,
      });
    },

    /** A scan read its last page: the watermark moves to where it ended. */
    async complete(
      result: { watermark: number; scanned: number; recovered: number },
      now = Date.now(),
    ): Promise<void> {
      await redis
        .multi()
        .hset(key, {
          watermark: result.watermark,
          lastRunAt: now,
          lastSuccessAt: now,
          lastScanned: result.scanned,
          lastRecovered: result.recovered,
          lastError: '',
        })
        .hdel(key, 'cursorFrom', 'cursorTo', 'cursorPage', 'cursorScanned', 'cursorRecovered')
        .exec();
    },

    async failed(message: string, now = Date.now()): Promise<void> {
      await redis.hset(key, { lastError: message.slice(0, 500), lastRunAt: now });
    },
  };
}

export type ReconcileStore = ReturnType<typeof createReconcileStore>;
