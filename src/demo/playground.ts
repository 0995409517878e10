import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { parseConfig, type Config } from '../config.js';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../fake-ringcentral/index.js';
import { assertPortFree, freePort } from '../infra/free-port.js';
import { deletePrefixKeys } from '../infra/prefix-keys.js';
import { startService, type RunningService } from '../runtime.js';
import { subscriptionParts } from '../subscriptions/feature.js';
import { webhookAddress } from '../webhook/path.js';

export interface PlaygroundOptions {
  /** The caller's environment: REDIS_URL, CRM_ADAPTER and its settings, LOG_LEVEL... */
  env: Record<string, string | undefined>;
  /** Settings forced for this run (timings scaled to the simulator's). */
  overrides: Record<string, string>;
  fake: FakeRingCentralOptions;
  logger: Logger;
  /** Where the service listens (loopback); default any free port. */
  port?: number;
}

export interface Playground {
  fake: FakeRingCentral;
  service: RunningService;
  config: Config;
  /** Where RingCentral (the simulator) posts notifications. */
  webhookUrl: string;
  close(): Promise<void>;
}

/**
 * rc-enrich wired to the built-in RingCentral simulator on loopback, registered the way an operator
 * registers it (`rc-enrich subscribe`'s code path, with the simulator running the real handshake).
 * The service is the real one (same runtime as `npm start`); only RingCentral is simulated. Its keys
 * live under a fresh QUEUE_PREFIX and are removed on close.
 */
export async function startPlayground({
  env,
  overrides,
  fake: fakeOptions,
  logger,
  port: wantedPort,
}: PlaygroundOptions): Promise<Playground> {
  const fake = createFakeRingCentral(fakeOptions);
  await fake.listen(0, '127.0.0.1');
  const port = wantedPort ?? (await freePort());
  const config = parseConfig({
    ...env,
    ROLE: 'all',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    QUEUE_PREFIX: `rc-enrich-playground-${randomBytes(4).toString('hex')}`,
    RINGCENTRAL_SERVER_URL: fake.url,
    RINGCENTRAL_CLIENT_ID: fake.credentials.clientId,
    RINGCENTRAL_CLIENT_SECRET: fake.credentials.clientSecret,
    RINGCENTRAL_JWT: fake.credentials.jwt,
    WEBHOOK_VERIFICATION_TOKEN: randomBytes(24).toString('hex'),
    ...overrides,
  });
  let service: RunningService | undefined;
  try {
    if (wantedPort !== undefined) await assertPortFree(port, '127.0.0.1');
    service = await startService(config, logger);
    await service.app.listen({ port: config.port, host: config.host });
    // ROLE=all: the service has a RingCentral client.
    const { manager } = subscriptionParts({
      ...service.services,
      config,
      logger,
      ringcentral: service.ringcentral!,
    });
    await manager.ensure({ allowCreate: true });
    const webhookUrl = webhookAddress(config.webhook.publicUrl!);
    const running = service;
    return {
      fake,
      service: running,
      config,
      webhookUrl,
      async close() {
        await running.close();
        await fake.close();
        await removeKeys(config);
      },
    };
  } catch (err) {
    await service?.close();
    await fake.close();
    await removeKeys(config);
    throw err;
  }
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
