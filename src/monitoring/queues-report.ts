import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Queues } from '../queues.js';
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

/**
 * Whether any rc-enrich worker ever ran under this prefix: the maintenance queue's job schedulers are
 * created by every worker at start, and a queue's event stream by any job. Opening a queue is not
 * enough (BullMQ writes its `meta` key then), so a mistyped QUEUE_PREFIX reads as unused here.
 */
export async function prefixInUse(
  redis: Pick<Redis, 'exists'>,
  queues: Pick<Queues, 'enrich' | 'deliver' | 'maintenance'>,
): Promise<boolean> {
  const streams = [queues.enrich, queues.deliver, queues.maintenance].map((queue) => queue.toKey('events'));
  return (await redis.exists(queues.maintenance.toKey('repeat'), ...streams)) > 0;
}
