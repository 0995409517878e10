import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RetryableError } from '../errors.js';
import type { Keys } from '../infra/keys.js';
import type { RingCentralRequests } from '../ringcentral/client.js';
import { fetchCallLogPage, type CallLogPeriod } from './call-log-pages.js';
import { recoveredCount, type PageTally, type Recovery } from './recover.js';

/** Where a back-fill stands: what the progress bar and the summary show. */
export interface BackfillProgress {
  /** Pages read, and RingCentral's total when it says. */
  pages: number;
  totalPages?: number;
  /** Calls the Call Log lists in the period. */
  found: number;
  /** Already in the CRM (the ledger or a completed delivery): skipped. */
  delivered: number;
  /** Queued for delivery now (with --dry-run: would be). */
  queued: number;
  /** Left alone for another reason: in flight, a dead letter, still in progress, too recent, no id. */
  left: number;
  /** Times the Heavy budget (at background priority) or RingCentral said wait. */
  budgetWaits: number;
  /** Set when this run continued an interrupted one of the same period. */
  resumedFromPage?: number;
}

interface Deps {
  client: Pick<RingCentralRequests, 'request'>;
  recovery: Recovery;
  redis: Redis;
  keys: Keys;
  pageSize: number;
  /** Waiting for the budget; injectable for tests. */
  wait?: (ms: number) => Promise<unknown>;
}

const periodId = (period: CallLogPeriod) => `${period.from}-${period.to}`;

/**
 * `rc-enrich backfill`: every call of the period in the Call Log, page by page at background priority,
 * through the same decision and recovery as the reconciler (`recoveredBy: "backfill"`). The next page
 * to read is kept in Redis, so running it again after an interruption resumes; and since recovery only
 * queues what neither the ledger nor a job knows of, nothing is sent twice either way.
 */
export async function runBackfill(
  deps: Deps,
  period: CallLogPeriod,
  options: { dryRun?: boolean; onProgress?: (progress: BackfillProgress, waitingMs?: number) => void },
): Promise<BackfillProgress> {
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  const cursorKey = deps.keys.backfillCursor(periodId(period));
  const saved = options.dryRun ? null : await deps.redis.hgetall(cursorKey);
  const resumed = saved?.page ? Number(saved.page) : undefined;
  const progress: BackfillProgress = {
    pages: resumed ? resumed - 1 : 0,
    found: Number(saved?.found ?? 0),
    delivered: Number(saved?.delivered ?? 0),
    queued: Number(saved?.queued ?? 0),
    left: Number(saved?.left ?? 0),
    budgetWaits: 0,
    ...(resumed ? { resumedFromPage: resumed } : {}),
  };
  let page = resumed ?? 1;
  options.onProgress?.(progress);
  for (;;) {
    let result;
    try {
      result = await fetchCallLogPage(deps.client, period, page, deps.pageSize);
    } catch (err) {
      if (!(err instanceof RetryableError)) throw err;
      const waitingMs = Math.max(250, err.retryAfterMs ?? 5_000);
      progress.budgetWaits++;
      options.onProgress?.(progress, waitingMs);
      await wait(waitingMs);
      continue;
    }
    const tally = await deps.recovery.page(result.records, { via: 'backfill', dryRun: options.dryRun });
    count(progress, tally);
    progress.pages = page;
    if (result.totalPages !== undefined) progress.totalPages = result.totalPages;
    options.onProgress?.(progress);
    if (!result.hasMore) break;
    page++;
    if (!options.dryRun) {
      await deps.redis
        .multi()
        .hset(cursorKey, {
          page,
          found: progress.found,
          delivered: progress.delivered,
          queued: progress.queued,
          left: progress.left,
        })
        .expire(cursorKey, 7 * 24 * 3600)
        .exec();
    }
  }
  if (!options.dryRun) await deps.redis.del(cursorKey);
  return progress;
}

function count(progress: BackfillProgress, tally: PageTally) {
  const delivered = tally.left.delivered ?? 0;
  const left = Object.values(tally.left).reduce((sum, n) => sum + n, 0) - delivered;
  progress.found += tally.calls;
  progress.delivered += delivered;
  progress.queued += recoveredCount(tally);
  progress.left += left;
}
