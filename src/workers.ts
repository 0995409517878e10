import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { createDeliveryFilter } from './deliver/call-filter.js';
import type { EnrichedCall, RingCentralCallRecord } from './calls/types.js';
import { loadAdapters } from './adapters/load.js';
import { ownerOptions } from './adapters/owners/options.js';
import type { CrmAdapter } from './adapters/types.js';
import type { Config } from './config.js';
import { crmBackoff } from './deliver/backoff.js';
import { createDeliveredLedger } from './deliver/ledger.js';
import { createDeliverProcessor, type DeliveryFilter } from './deliver/processor.js';
import { createDeliveryScheduler } from './deliver/schedule.js';
import { createEnrichLookups } from './enrich/lookups.js';
import { createEnrichProcessor } from './enrich/processor.js';
import type { MaintenanceJob } from './feature.js';
import { hashTag } from './infra/keys.js';
import { createLogThrottle } from './infra/log-safety.js';
import type { Metrics } from './infra/metrics.js';
import { settlesWithin } from './infra/timeout.js';
import { removeSupersededFailures } from './monitoring/superseded-failures.js';
import { QueueName } from './queues.js';
import type { AccountIdentity } from './ringcentral/account.js';
import type { RingCentralClient } from './ringcentral/client.js';
import type { Services } from './services.js';

export interface WorkerDeps {
  config: Config;
  services: Services;
  ringcentral: RingCentralClient;
  /** The account we serve: calls of any other account are never looked up. */
  account: Pick<AccountIdentity, 'isOurs'>;
  logger: Logger;
  metrics: Metrics;
  /** The features' maintenance jobs (names already checked unique). */
  maintenance?: MaintenanceJob[];
  /** Replaces the CRM_FILTER_* filter (tests). */
  filter?: DeliveryFilter;
  /** Features' additions to a call before delivery, applied in order. */
  beforeDelivery?: Array<(call: EnrichedCall) => Promise<EnrichedCall>>;
  afterDelivery?: Array<(call: EnrichedCall, adapter: string) => Promise<void>>;
  /** Features that read every Call Log page the lookups fetch (reconcile recovers lost calls from it). */
  onCallLogRecords?: Array<(records: RingCentralCallRecord[]) => Promise<void>>;
}

/**
 * Starts the queue workers: loads the CRM adapters, builds the shared lookups, and runs the enrich,
 * deliver and maintenance workers. Every worker gets an error listener (BullMQ's production advice).
 * `close()` finishes or releases the in-flight jobs, then closes the adapters this opened.
 */
export async function startWorkers(deps: WorkerDeps) {
  const { config, services, logger } = deps;
  const adapters = await loadAdapters(config.crm.adapters, {
    env: config.env,
    logger,
    redis: services.workerRedis,
    keyPrefix: services.keys.keyPrefix,
    // Owner mapping and CRM dates: RingCentral's extension info, CRM_OWNER_MAP, CRM_TIME_ZONE.
    ...ownerOptions({ ...services, config, logger, ringcentral: deps.ringcentral }),
  });
  const closeAdapters = () =>
    Promise.allSettled(adapters.map(async (adapter) => adapter.close?.())).then(() => undefined);
  let workers: Worker[];
  try {
    workers = await runWorkers(
      deps,
      new Map(config.crm.adapters.map((name, index) => [name, adapters[index]!])),
    );
  } catch (err) {
    await closeAdapters();
    throw err;
  }

  return {
    workers,
    /** Ready when every worker is running and not closing. */
    running: () => workers.every((worker) => worker.isRunning() && !worker.closing),
    async close() {
      await closeWorkers(workers, config.shutdownGraceMs, logger);
      await closeAdapters();
    },
  };
}

export type RunningWorkers = Awaited<ReturnType<typeof startWorkers>>;

async function runWorkers(deps: WorkerDeps, adapters: Map<string, CrmAdapter>): Promise<Worker[]> {
  const { config, services, ringcentral, logger, metrics } = deps;
  const { workerRedis: connection, keys, queues } = services;
  const common = {
    connection,
    prefix: hashTag(config.queuePrefix),
    lockDuration: config.workers.lockDurationMs,
    stalledInterval: config.workers.stalledIntervalMs,
  };
  const timed =
    <T>(queue: string, processor: (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<unknown>) =>
    async (job: Job<T>, token?: string, signal?: AbortSignal) => {
      const stop = metrics.jobDuration.startTimer({ queue });
      try {
        return await processor(job, token, signal);
      } finally {
        stop();
      }
    };

  // The lookups every enrich job shares: one listing per account and interval, across processes.
  const enrichProcessor = createEnrichProcessor({
    config,
    account: deps.account,
    callState: services.callState,
    story: services.story,
    ...createEnrichLookups({
      config,
      redis: connection,
      keys,
      enrichQueue: queues.enrich,
      ringcentral,
      onCallLogRecords: async (records) => {
        for (const hook of deps.onCallLogRecords ?? []) {
          // A lookup never fails for what a feature does with the page afterwards.
          await hook(records).catch((err: unknown) =>
            logger.warn({ err: (err as Error).message }, 'a Call Log page could not be shared'),
          );
        }
      },
    }),
    deliveries: createDeliveryScheduler(queues, config),
    logger,
    metrics,
  });
  const enrich = new Worker(QueueName.enrich, timed(QueueName.enrich, enrichProcessor), {
    ...common,
    // Most runs are a few Redis reads; many calls wait on the same shared listing at once.
    concurrency: config.enrich.concurrency,
  });

  const deliverProcessor = createDeliverProcessor({
    adapters,
    config,
    story: services.story,
    logger,
    metrics,
    filter: deps.filter ?? createDeliveryFilter(config.crm.filters),
    beforeDelivery: deps.beforeDelivery ?? [],
    afterDelivery: deps.afterDelivery ?? [],
    // Kept as long as reconcile and back-fill look back, so neither re-delivers what the ledger forgot.
    ledger: createDeliveredLedger(services.workerRedis, services.keys, config.reconcile.horizonMs),
  });
  const deliver = new Worker(QueueName.deliver, timed(QueueName.deliver, deliverProcessor), {
    ...common,
    concurrency: config.delivery.concurrency,
    settings: {
      backoffStrategy: crmBackoff({
        baseMs: config.delivery.backoffMs,
        maxMs: config.delivery.maxBackoffMs,
        maxRetryAfterMs: config.delivery.maxRetryAfterMs,
      }),
    },
  });

  const handlers = new Map((deps.maintenance ?? []).map((job) => [job.name, job.handler]));
  const maintenance = new Worker(
    QueueName.maintenance,
    timed(QueueName.maintenance, async (job: Job) => {
      const handler = handlers.get(job.name);
      if (!handler) throw new Error(`No maintenance handler for job "${job.name}"`);
      const result = await handler(job);
      await removeSupersededFailures(queues.maintenance, job.name, Date.now()).catch((err: unknown) =>
        logger.debug({ err, job: job.name }, 'could not remove superseded failures'),
      );
      return result;
    }),
    { ...common, concurrency: 1 },
  );

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
  try {
    // Job schedulers are upserted: every process may do it, Redis keeps one schedule per id.
    for (const job of deps.maintenance ?? []) {
      if (job.everyMs)
        await queues.maintenance.upsertJobScheduler(job.name, { every: job.everyMs }, { name: job.name });
    }
  } catch (err) {
    await Promise.allSettled(workers.map((worker) => worker.close()));
    throw err;
  }
  return workers;
}

/**
 * The shutdown policy: let in-flight jobs finish; past most of the grace period, abort them (their
 * signal fires, the CRM request is cut, the job goes back for a retry) so nothing is left half-done.
 */
async function closeWorkers(workers: Worker[], graceMs: number, logger: Logger): Promise<void> {
  const closing = Promise.all(workers.map((worker) => worker.close()));
  if (await settlesWithin(closing, graceMs * 0.6)) return;
  logger.warn('jobs still running at shutdown: cancelling them so they are retried');
  for (const worker of workers) worker.cancelAllJobs('rc-enrich is shutting down');
  await settlesWithin(closing, graceMs * 0.3);
}
