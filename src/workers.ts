import { Worker, type Job } from 'bullmq';
import { createDeliveryFilter } from './adapters/filters.js';
import { loadAdapters } from './adapters/load.js';
import { ownerOptions } from './adapters/owners/options.js';
import { createDeliverProcessor, type DeliveryFilter } from './deliver/processor.js';
import { crmBackoff } from './deliver/backoff.js';
import { createEnrichProcessor } from './enrich/processor.js';
import { createQuietSweep } from './enrich/quiet-sweep.js';
import { bullPrefix } from './infra/keys.js';
import { settlesWithin } from './infra/timeout.js';
import { removeSupersededFailures } from './monitoring/superseded-failures.js';
import { QueueName } from './queues.js';
import type { EnrichedCall } from './calls/types.js';
import type { Services } from './services.js';
import { createLogThrottle } from './infra/log-safety.js';

export type MaintenanceHandler = (job: Job) => Promise<unknown>;

export interface WorkerOptions {
  /** Extra maintenance jobs by name (e.g. the subscription keeper); each may also need a schedule. */
  maintenance?: Record<string, { handler: MaintenanceHandler; everyMs?: number }>;
  filter?: DeliveryFilter;
  /** Features' additions to a call before delivery, applied in order. */
  beforeDelivery?: Array<(call: EnrichedCall) => Promise<EnrichedCall>>;
  afterDelivery?: Array<(call: EnrichedCall, adapter: string) => Promise<void>>;
}

/**
 * Starts the queue workers on the services. Every worker gets an error listener (BullMQ's production
 * advice) and is registered for closing, so SIGTERM finishes or releases in-flight jobs.
 */
export async function startWorkers(services: Services, options: WorkerOptions = {}) {
  const { config, logger, metrics } = services;
  const connection = services.workerRedis;
  const prefix = bullPrefix(config.queuePrefix);
  const locks = {
    lockDuration: config.workers.lockDurationMs,
    stalledInterval: config.workers.stalledIntervalMs,
  };

  // CRM_FILTER_* settings: which calls are worth a CRM record (validated now, so a typo stops the start).
  const filter = options.filter ?? createDeliveryFilter(config.env);
  const adapters = await loadAdapters(config.crm.adapters, {
    env: config.env,
    logger,
    redis: services.workerRedis,
    keyPrefix: services.keys.namespace,
    // Owner mapping and CRM dates: RingCentral's extension info, CRM_OWNER_MAP, CRM_TIME_ZONE.
    ...ownerOptions(services),
  });
  for (const [index, adapter] of adapters.entries())
    services.adapters.set(config.crm.adapters[index]!, adapter);

  const timed =
    <T>(queue: string, processor: (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<unknown>) =>
    async (job: Job<T>, token?: string, signal?: AbortSignal) => {
      const stop = metrics?.jobDuration.startTimer({ queue });
      try {
        return await processor(job, token, signal);
      } finally {
        stop?.();
      }
    };

  const enrich = new Worker(QueueName.enrich, timed(QueueName.enrich, createEnrichProcessor(services)), {
    connection,
    prefix,
    ...locks,
    // Most runs are a few Redis reads; many calls wait on the same shared listing at once.
    concurrency: config.enrich.concurrency,
  });
  const deliver = new Worker(
    QueueName.deliver,
    timed(
      QueueName.deliver,
      createDeliverProcessor({
        ...services,
        adapters: services.adapters,
        filter,
        beforeDelivery: options.beforeDelivery ?? [],
        afterDelivery: options.afterDelivery ?? [],
      }),
    ),
    {
      connection,
      prefix,
      ...locks,
      concurrency: config.delivery.concurrency,
      settings: {
        backoffStrategy: crmBackoff({
          baseMs: config.delivery.backoffMs,
          maxMs: config.delivery.maxBackoffMs,
          maxRetryAfterMs: config.delivery.maxRetryAfterMs,
        }),
      },
    },
  );

  const sweep = createQuietSweep({ ...services, quietPeriodMs: config.enrich.quietPeriodMs });
  const handlers: Record<string, { handler: MaintenanceHandler; everyMs?: number }> = {
    'sweep-quiet-calls': {
      handler: sweep,
      everyMs: Math.max(1_000, Math.min(60_000, config.enrich.quietPeriodMs / 4)),
    },
    ...options.maintenance,
  };
  const maintenance = new Worker(
    QueueName.maintenance,
    timed(QueueName.maintenance, async (job: Job) => {
      const entry = handlers[job.name];
      if (!entry) throw new Error(`No maintenance handler for job "${job.name}"`);
      const result = await entry.handler(job);
      await removeSupersededFailures(services.queues.maintenance, job.name, Date.now()).catch(
        (err: unknown) => logger.debug({ err, job: job.name }, 'could not remove superseded failures'),
      );
      return result;
    }),
    { connection, prefix, ...locks, concurrency: 1 },
  );
  // Job schedulers are upserted: every process may do it, Redis keeps one schedule per id.
  for (const [name, entry] of Object.entries(handlers)) {
    if (entry.everyMs) {
      await services.queues.maintenance.upsertJobScheduler(name, { every: entry.everyMs }, { name });
    }
  }

  const workers = [enrich, deliver, maintenance];
  // Workers retry their Redis commands in a loop during an outage: one line per worker per 30 s.
  const throttle = createLogThrottle();
  for (const worker of workers) {
    worker.on('error', (err) =>
      throttle(`worker:${worker.name}`, (suppressed) =>
        logger.error({ err, queue: worker.name, similarSinceLastLine: suppressed }, 'worker error'),
      ),
    );
    worker.on('failed', (job, err) =>
      logger.warn({ queue: worker.name, jobId: job?.id, err: err.message }, 'job failed'),
    );
  }
  services.onClose(async () => {
    // Let in-flight jobs finish; past most of the grace period, abort them (their signal fires, the CRM
    // request is cut, the job goes back for a retry) so that nothing is left half-done when we exit.
    const closing = Promise.all(workers.map((worker) => worker.close()));
    if (await settlesWithin(closing, config.shutdownGraceMs * 0.6)) return;
    logger.warn('jobs still running at shutdown: cancelling them so they are retried');
    for (const worker of workers) worker.cancelAllJobs('rc-enrich is shutting down');
    await settlesWithin(closing, config.shutdownGraceMs * 0.3);
  });

  return {
    workers,
    /** Ready when every worker is running and not closing. */
    running: () => workers.every((worker) => worker.isRunning() && !worker.closing),
  };
}

export type RunningWorkers = Awaited<ReturnType<typeof startWorkers>>;
