import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CrmAdapter } from './adapters/types.js';
import { createCallState } from './calls/call-state.js';
import { createCallIntake } from './calls/intake.js';
import { createJourney } from './calls/journey.js';
import type { Config } from './config.js';
import { createDeliveryScheduler } from './deliver/schedule.js';
import { activeCallsFetcher, callLogFetcher, createCallLogPending } from './enrich/fetchers.js';
import { createSharedListing } from './enrich/shared-listing.js';
import { createKeys } from './infra/keys.js';
import { createLogThrottle } from './infra/log-safety.js';
import type { Metrics } from './infra/metrics.js';
import { createRedis, waitForRedis } from './infra/redis.js';
import { createQueues } from './queues.js';
import { createAccountIdentity } from './ringcentral/account.js';
import { createRingCentralClient } from './ringcentral/client.js';

/**
 * The composition root: every long-lived resource is opened here and closed in `close()`, in reverse.
 * Server, workers and CLI all start from this, so they share one wiring.
 */
export async function createServices(config: Config, logger: Logger, metrics?: Metrics) {
  const redis = createRedis(config.redisUrl, 'producer');
  // Workers' blocking commands and the shared lookups must ride out a Redis restart: separate connection.
  const workerRedis = createRedis(config.redisUrl, 'worker');
  reportErrors(redis, 'producer', logger);
  reportErrors(workerRedis, 'worker', logger);
  try {
    await Promise.all([waitForRedis(redis, config.redisUrl), waitForRedis(workerRedis, config.redisUrl)]);
  } catch (err) {
    redis.disconnect();
    workerRedis.disconnect();
    throw err;
  }

  const keys = createKeys(config.queuePrefix);
  const queues = createQueues(redis, config.queuePrefix);
  const throttle = createLogThrottle();
  for (const queue of [queues.enrich, queues.deliver, queues.maintenance]) {
    queue.on('error', (err) =>
      throttle(`queue:${queue.name}`, (suppressed) =>
        logger.error({ err, queue: queue.name, similarSinceLastLine: suppressed }, 'queue error'),
      ),
    );
  }
  const callState = createCallState(redis, keys);
  const journey = createJourney(workerRedis, keys);
  const ringcentral = createRingCentralClient({ config, redis: workerRedis, keys, logger, metrics });
  const account = createAccountIdentity({ redis, keys, ringcentral });
  const intake = createCallIntake({ config, account, callState, queues, logger, metrics });
  const callLogPending = createCallLogPending(workerRedis, keys);
  const activeCalls = createSharedListing({
    redis: workerRedis,
    keys,
    kind: 'active-calls',
    minIntervalMs: config.enrich.pollIntervalMs,
    fetchAll: activeCallsFetcher(ringcentral),
  });
  const callLog = createSharedListing({
    redis: workerRedis,
    keys,
    kind: 'call-log',
    minIntervalMs: config.enrich.callLogIntervalMs,
    fetchAll: callLogFetcher(ringcentral, workerRedis, keys),
  });
  const deliveries = createDeliveryScheduler(queues, config);
  const closers: Array<() => Promise<unknown>> = [];

  return {
    config,
    logger,
    metrics,
    redis,
    workerRedis,
    keys,
    queues,
    callState,
    journey,
    intake,
    ringcentral,
    account,
    callLogPending,
    activeCalls,
    callLog,
    deliveries,
    /** Adapters are loaded by the worker role only; kept here so `close()` can close them. */
    adapters: new Map<string, CrmAdapter>(),
    /** Register something to close before the connections (workers, schedulers). */
    onClose(closer: () => Promise<unknown>) {
      closers.push(closer);
    },
    async close() {
      for (const closer of closers.reverse())
        await closer().catch((err) => logger.error({ err }, 'close failed'));
      for (const adapter of this.adapters.values()) await adapter.close?.();
      await queues.close();
      await Promise.allSettled([redis.quit(), workerRedis.quit()]);
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/**
 * ioredis emits an error on every failed reconnect: before the first connection the start fails with
 * one clear message (waitForRedis), and afterwards one line per outage is enough, not one per retry.
 */
function reportErrors(client: Redis, role: string, logger: Logger) {
  let connected = false;
  let reported = false;
  client.on('ready', () => {
    if (reported) logger.info({ role }, 'redis reachable again');
    connected = true;
    reported = false;
  });
  client.on('error', (err) => {
    if (!connected || reported) return;
    reported = true;
    logger.error({ err: err.message, role }, 'redis unreachable; retrying');
  });
}
