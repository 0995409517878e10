import type { BackfillProgress } from './backfill.js';

const counts = (p: BackfillProgress) =>
  `${p.found} calls found, ${p.delivered} already delivered, ${p.queued} queued` +
  (p.left > 0 ? `, ${p.left} left (in flight or too recent)` : '') +
  `, ${p.budgetWaits} budget waits`;

const pagesOf = (p: BackfillProgress) => `page ${p.pages}${p.totalPages ? `/${p.totalPages}` : ''}`;

/** One plain line per step, for logs and pipes. */
export function progressLine(progress: BackfillProgress, waitingMs?: number): string {
  if (waitingMs !== undefined)
    return `backfill: waiting ${(waitingMs / 1000).toFixed(1)} s for the Heavy budget (${counts(progress)})`;
  return `backfill: ${pagesOf(progress)}: ${counts(progress)}`;
}

/** The terminal's one-line bar, redrawn in place: pages done of RingCentral's total when it says. */
export function progressBar(progress: BackfillProgress, waitingMs?: number, width = 24): string {
  const total = progress.totalPages;
  const share = total ? Math.min(1, progress.pages / total) : 0;
  const filled = Math.round(share * width);
  const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : `[${'?'.repeat(width)}]`;
  const state = waitingMs !== undefined ? ` · waiting ${(waitingMs / 1000).toFixed(1)} s for budget` : '';
  return `${bar} ${pagesOf(progress)} · ${progress.found} found · ${progress.delivered} delivered · ${progress.queued} queued · ${progress.budgetWaits} budget waits${state}`;
}

/** The answer on stdout once the period is done. */
export function backfillSummary(progress: BackfillProgress, dryRun: boolean): string {
  const queued = dryRun
    ? `${progress.queued} would be queued (dry run: nothing was)`
    : `${progress.queued} queued for delivery`;
  return (
    `Backfill done: ${progress.pages} page(s), ${progress.found} calls found, ` +
    `${progress.delivered} already delivered, ${queued}` +
    (progress.left > 0
      ? `, ${progress.left} left to the normal path (in flight, dead letter or too recent)`
      : '') +
    (progress.resumedFromPage ? ` (resumed at page ${progress.resumedFromPage})` : '') +
    '.'
  );
}
