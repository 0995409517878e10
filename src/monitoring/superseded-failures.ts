import type { Queue } from 'bullmq';

/** The failed list is bounded (removeOnFail count 500); look at most this far. */
const scanLimit = 500;

/**
 * A maintenance job (a scheduled check) that failed and has succeeded since is history, not a problem:
 * its earlier failed runs are removed, so the dashboard's failed count shows only what still fails (a
 * login refused once at start-up must not stay red). Each failure was logged when it happened.
 */
export async function removeSupersededFailures(
  queue: Queue,
  name: string,
  succeededAt: number,
): Promise<number> {
  if ((await queue.getJobCountByTypes('failed')) === 0) return 0;
  const failed = await queue.getJobs(['failed'], 0, scanLimit - 1);
  const stale = failed.filter((job) => job?.name === name && (job.finishedOn ?? 0) <= succeededAt);
  await Promise.all(stale.map((job) => job.remove()));
  return stale.length;
}
