import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

/** Every state BullMQ 6 counts (a paused queue's jobs show as `waiting`; see rc_enrich_queue_paused). */
export const jobStates = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
export type JobState = (typeof jobStates)[number];

export const queueJobsMetric = 'rc_enrich_queue_jobs';
export const queuePausedMetric = 'rc_enrich_queue_paused';

/**
 * Queue gauges read from Redis when Prometheus scrapes, through prom-client's `collect()` (one
 * registry, one HELP/TYPE per family: BullMQ's exportPrometheusMetrics repeats them per queue).
 * The values are the same from every process that shares the Redis: aggregate with max(), not sum().
 * If Redis does not answer, the series are dropped for that scrape instead of failing /metrics.
 */
export function registerQueueMetrics(registry: Registry, queues: Queue[], logger?: Logger) {
  for (const name of [queueJobsMetric, queuePausedMetric]) registry.removeSingleMetric(name);

  const warn = (err: unknown) =>
    logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'queue metrics unavailable');
  const jobs = new Gauge({
    name: queueJobsMetric,
    help: 'Jobs in each queue by state (waiting, active, delayed, prioritized, waiting-children, completed, failed); failed deliver jobs are the dead letters',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...jobStates)));
        this.reset();
        queues.forEach((queue, index) => {
          for (const state of jobStates) this.set({ queue: queue.name, state }, counts[index]?.[state] ?? 0);
        });
      } catch (err) {
        this.reset();
        warn(err);
      }
    },
  });
  const paused = new Gauge({
    name: queuePausedMetric,
    help: 'Whether the queue is paused (1) or running (0); a paused queue holds its jobs in waiting',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      try {
        const states = await Promise.all(queues.map((queue) => queue.isPaused()));
        this.reset();
        queues.forEach((queue, index) => this.set({ queue: queue.name }, states[index] ? 1 : 0));
      } catch (err) {
        this.reset();
        warn(err);
      }
    },
  });
  return { jobs, paused };
}
