import type { Queue } from 'bullmq';
import { jobStates, type JobState } from './queue-metrics.js';

export interface QueueReport {
  name: string;
  paused: boolean;
  counts: Record<JobState, number>;
}

/** Counts per queue and state, read from Redis (the same numbers as rc_enrich_queue_jobs). */
export async function queuesReport(queues: Queue[]): Promise<QueueReport[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [raw, paused] = await Promise.all([queue.getJobCounts(...jobStates), queue.isPaused()]);
      const counts = Object.fromEntries(jobStates.map((state) => [state, raw[state] ?? 0])) as Record<
        JobState,
        number
      >;
      return { name: queue.name, paused, counts };
    }),
  );
}

/** One line per queue: `deliver      waiting=0 active=1 … failed=3 (paused)`. */
export function formatQueuesReport(report: QueueReport[]): string {
  const width = Math.max(...report.map((queue) => queue.name.length));
  return report
    .map((queue) => {
      const counts = jobStates.map((state) => `${state}=${queue.counts[state]}`).join(' ');
      return `${queue.name.padEnd(width)}  ${counts}${queue.paused ? '  (paused)' : ''}`;
    })
    .join('\n');
}

/** `--json`: keyed by queue name, e.g. `jq .deliver.counts.failed`. */
export function queuesReportJson(report: QueueReport[]) {
  return Object.fromEntries(report.map(({ name, paused, counts }) => [name, { paused, counts }]));
}
