import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withSubscriptions } from '../cli/subscription-support.js';
import { parseConfig, type Config } from '../config.js';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../fake-ringcentral/index.js';
import type { FeatureFactory } from '../feature.js';
import { assertPortFree, freePort } from '../infra/free-port.js';
import { deletePrefixKeys } from '../infra/prefix-keys.js';
import { startService, type RunningService } from '../runtime.js';
import { subscriptionParts } from '../subscriptions/feature.js';
import { webhookAddress } from '../webhook/path.js';

export interface SimulatorOptions {
  /** The caller's environment (REDIS_URL, CRM_ADAPTER and its settings, LOG_LEVEL...). */
  env?: Record<string, string | undefined>;
  /** Settings on top of `env` and of the playground's own (the demo's timings; a test's ROLE, prefix). */
  overrides?: Record<string, string | undefined>;
  fake?: FakeRingCentralOptions;
  logger: Logger;
  /** Where the service listens (loopback); default any free port. */
  port?: number;
  /** The service's features (default: all of them, as `npm start` runs). */
  features?: FeatureFactory[];
}

/** The RingCentral simulator and the settings that point rc-enrich at it; services start on demand. */
export interface Simulator {
  fake: FakeRingCentral;
  config: Config;
  /** The settings `config` was parsed from (for a child process). */
  env: Record<string, string>;
  /** PUBLIC_URL: where the playground's service listens. */
  publicUrl: string;
  /** Where RingCentral (the simulator) posts notifications. */
  webhookUrl: string;
  /** Every service started, first one first. */
  services: RunningService[];
  /** A config on the same key prefix and simulator, with `env` on top. */
  configWith(env: Record<string, string>): Config;
  /** A service on the same key prefix (another process, as far as Redis can tell); not listening. */
  startAnother(env?: Record<string, string>): Promise<RunningService>;
  /** Closes every service and the simulator, and removes every key under the prefix. */
  close(): Promise<void>;
}

export interface PlaygroundOptions extends SimulatorOptions {
  /**
   * How far to go: `subscribed` (the default) listens at PUBLIC_URL and registers the webhook the way
   * `rc-enrich subscribe` does, the simulator running the real handshake; `listening` stops before
   * subscribing; `started` does not listen (reach the app with `inject`).
   */
  start?: 'subscribed' | 'listening' | 'started';
}

export interface Playground extends Simulator {
  /** The first service (ROLE `all` unless the overrides say otherwise). */
  service: RunningService;
}

/**
 * rc-enrich wired to the built-in RingCentral simulator on loopback: `rc-enrich demo`'s playground and
 * the tests' harness. The service is the real one (same runtime as `npm start`); only RingCentral is
 * simulated.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const simulator = await startSimulator(options);
  try {
    // A port the caller chose that is taken: one clear error before anything starts.
    if (options.port !== undefined) await assertPortFree(options.port, '127.0.0.1');
    const service = await simulator.startAnother();
    const start = options.start ?? 'subscribed';
    if (start !== 'started') {
      await service.app.listen({ port: simulator.config.port, host: simulator.config.host });
    }
    if (start === 'subscribed') {
      // Registered the way `rc-enrich subscribe` does it; the simulator runs the real handshake. With
      // workers, through the service's own RingCentral client (its keeper then sees it at once).
      const ensure = ({ manager }: ReturnType<typeof subscriptionParts>) =>
        manager.ensure({ allowCreate: true });
      const { ringcentral, services, config } = service;
      if (ringcentral) {
        await ensure(subscriptionParts({ ...services, config, logger: options.logger, ringcentral }));
      } else await withSubscriptions(config, ensure);
    }
    return { ...simulator, service };
  } catch (err) {
    await simulator.close();
    throw err;
  }
}

/**
 * The simulator on loopback and a config for rc-enrich pointing at it, with no service yet (a test of
 * an unreachable PUBLIC_URL starts none). Keys live under a fresh QUEUE_PREFIX, removed on close, so
 * the playground never touches the data of a service sharing the Redis.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const fake = createFakeRingCentral(options.fake);
  await fake.listen(0, '127.0.0.1');
  const services: RunningService[] = [];
  let config: Config | undefined;
  const close = async () => {
    for (const service of services.splice(0).reverse()) await service.close();
    await fake.close();
    if (config) await removeKeys(config);
  };
  try {
    const port = options.port ?? (await freePort());
    const publicUrl = `http://127.0.0.1:${port}`;
    // The caller's settings, the playground's own (one process, its own secret and keys), the forced
    // ones; always the simulator's address and credentials.
    const env = definedOnly({
      ...options.env,
      ROLE: 'all',
      WEBHOOK_VERIFICATION_TOKEN: randomBytes(24).toString('hex'),
      QUEUE_PREFIX: `rc-enrich-playground-${randomBytes(4).toString('hex')}`,
      ...options.overrides,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      RINGCENTRAL_SERVER_URL: fake.url,
      RINGCENTRAL_CLIENT_ID: fake.credentials.clientId,
      RINGCENTRAL_CLIENT_SECRET: fake.credentials.clientSecret,
      RINGCENTRAL_JWT: fake.credentials.jwt,
    });
    const configWith = (extra: Record<string, string>) => parseConfig({ ...env, ...extra });
    config = configWith({});
    const startAnother = async (extra: Record<string, string> = {}) => {
      const service = await startService(configWith(extra), options.logger, { features: options.features });
      services.push(service);
      return service;
    };
    const webhookUrl = webhookAddress(publicUrl);
    return { fake, config, env, publicUrl, webhookUrl, services, configWith, startAnother, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function removeKeys(config: Config): Promise<void> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // reported by connect() below
  try {
    await redis.connect();
    await deletePrefixKeys(redis, config.queuePrefix);
  } catch {
    // Nothing to clean when Redis is not there (the start failed for that reason).
  } finally {
    redis.disconnect();
  }
}
