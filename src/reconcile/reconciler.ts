import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { RetryableError } from '../errors.js';
import type { Keys } from '../infra/keys.js';
import { runExclusive } from '../infra/redis-lock.js';
import type { Queues } from '../queues.js';
import type { RingCentralRequests } from '../ringcentral/client.js';
import { fetchCallLogPage } from './call-log-pages.js';
import type { ReconcileMetrics } from './metrics.js';
import { recoveredCount, type Recovery } from './recover.js';
import type { ReconcileCursor, ReconcileState, ReconcileStore } from './state.js';

export const RECONCILE_JOB = 'reconcile';

/** What one run of the job did (its return value, visible on the maintenance job). */
export type ReconcileRun =
  | { outcome: 'off' | 'busy' }
  /** The period to scan is too recent to hold a call to recover (reconcile was just turned on). */
  | { outcome: 'nothing-yet' }
  | { outcome: 'continuing'; page: number }
  | { outcome: 'waiting'; page: number; delayMs: number }
  | { outcome: 'complete'; scanned: number; recovered: number };

/** A run stops after this many pages and continues in a fresh job: the lock never outlives its owner. */
const pagesPerRun = 50;
const lockTtlMs = 10 * 60 * 1000;

interface Deps {
  config: Config;
  redis: Redis;
  keys: Keys;
  client: Pick<RingCentralRequests, 'request'>;
  store: ReconcileStore;
  recovery: Recovery;
  queues: Pick<Queues, 'maintenance'>;
  logger: Logger;
  metrics?: ReconcileMetrics;
}

/**
 * The period the next scan reads: from the watermark minus the overlap (calls that started before it
 * and ended since), never further back than the horizon the ledger covers nor than the moment reconcile
 * was turned on (a first deployment does not deliver the account's past hour: that is back-fill's call),
 * up to now.
 */
export function nextScan(state: ReconcileState, settings: Config['reconcile'], now: number): ReconcileCursor {
  if (state.cursor) return state.cursor;
  const from = Math.max(
    now - settings.horizonMs,
    (state.watermark ?? now) - settings.overlapMs,
    state.enabledAt ?? -Infinity,
  );
  return { from, to: now, page: 1, scanned: 0, recovered: 0 };
}

/**
 * The reconcile job: reads the Call Log page by page since the watermark and recovers every ended
 * call the notifications missed (recover.ts). One owner at a time across processes (a Redis lock on
 * top of BullMQ's one-job-per-interval schedule). When the Heavy budget (at background priority) or
 * RingCentral says wait, it saves its page and schedules its own continuation: a long outage is
 * caught up page by page without a 429.
 */
export function createReconciler(deps: Deps) {
  const { config, store, logger } = deps;
  const settings = config.reconcile;

  async function continueLater(cursor: ReconcileCursor, delayMs: number) {
    await store.saveCursor(cursor);
    await deps.queues.maintenance.add(
      RECONCILE_JOB,
      {},
      { jobId: `${RECONCILE_JOB}-resume-${cursor.to}-${cursor.page}-${Date.now()}`, delay: delayMs },
    );
  }

  async function run(now = Date.now()): Promise<ReconcileRun> {
    if (settings.intervalMs === 0) return { outcome: 'off' };
    // Another process scanning now is enough: try once, never queue up behind it.
    return runExclusive(
      deps.redis,
      deps.keys.reconcileLock(),
      { ttlMs: lockTtlMs, waitMs: 1, onTimeout: (): ReconcileRun => ({ outcome: 'busy' }) },
      () => scan(now),
    );
  }

  async function scan(now: number): Promise<ReconcileRun> {
    try {
      let cursor = nextScan(await store.read(), settings, now);
      // Calls within the grace are left to their notifications, so a period that starts inside it can
      // recover nothing: no Heavy request for it (the watermark stays, the next run covers it).
      if (cursor.page === 1 && cursor.from > now - settings.graceMs) return { outcome: 'nothing-yet' };
      for (let pages = 0; ; pages++) {
        if (pages === pagesPerRun) {
          await continueLater(cursor, 0);
          return { outcome: 'continuing', page: cursor.page };
        }
        let page;
        try {
          page = await fetchCallLogPage(deps.client, cursor, cursor.page, settings.pageSize);
        } catch (err) {
          if (!(err instanceof RetryableError)) throw err;
          const delayMs = Math.max(1_000, err.retryAfterMs ?? 5_000);
          await continueLater(cursor, delayMs);
          logger.debug({ page: cursor.page, delayMs, reason: err.message }, 'reconcile waits');
          return { outcome: 'waiting', page: cursor.page, delayMs };
        }
        const tally = await deps.recovery.page(page.records, { via: 'reconcile' });
        deps.metrics?.scanned(tally.records);
        const recovered = recoveredCount(tally);
        if (recovered > 0) logger.warn({ recovered: tally.recovered }, 'calls recovered from the Call Log');
        cursor = {
          ...cursor,
          page: cursor.page + 1,
          scanned: cursor.scanned + tally.records,
          recovered: cursor.recovered + recovered,
        };
        if (!page.hasMore) break;
        await store.saveCursor(cursor);
      }
      await store.complete({ watermark: cursor.to, scanned: cursor.scanned, recovered: cursor.recovered });
      deps.metrics?.show(await store.read());
      return { outcome: 'complete', scanned: cursor.scanned, recovered: cursor.recovered };
    } catch (err) {
      await store.failed(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  return { run };
}

export type Reconciler = ReturnType<typeof createReconciler>;
