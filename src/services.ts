import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createCallState } from './calls/call-state.js';
import { createStory } from './calls/story.js';
import type { Config } from './config.js';
import { createKeys } from './infra/keys.js';
import { createLogThrottle } from './infra/log-safety.js';
import { createRedis, waitForRedis } from './infra/redis.js';
import { createQueues } from './queues.js';

/**
 * What every role and every CLI command needs: the two Redis connections and what lives in Redis
 * (queues, call state, the calls' stories). Opens Redis and nothing else; `close()` closes what it
 * opened. RingCentral, the shared listings and the CRM adapters are opened by the parts that use them.
 */
export async function createServices(config: Pick<Config, 'redisUrl' | 'queuePrefix'>, logger: Logger) {
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

  return Object.freeze({
    redis,
    workerRedis,
    keys,
    queues,
    callState: createCallState(redis, keys),
    story: createStory(workerRedis, keys),
    async close() {
      await queues.close();
      await Promise.allSettled([redis.quit(), workerRedis.quit()]);
    },
  });
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
