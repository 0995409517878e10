import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { parseConfig, type Config } from '../config.js';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../fake-ringcentral/index.js';
import { startService, type RunningService } from '../runtime.js';

export interface PlaygroundOptions {
  /** The caller's environment: REDIS_URL, CRM_ADAPTER and its settings, LOG_LEVEL... */
  env: Record<string, string | undefined>;
  /** Settings forced for this run (timings scaled to the simulator's). */
  overrides: Record<string, string>;
  fake: FakeRingCentralOptions;
  logger: Logger;
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
 * rc-enrich wired to the built-in RingCentral simulator on loopback: the demo and the benchmark start
 * here. The service is the real one (same runtime as `npm start`); only RingCentral is simulated.
 * Its keys live under a fresh QUEUE_PREFIX and are removed on close.
 */
export async function startPlayground({
  env,
  overrides,
  fake: fakeOptions,
  logger,
}: PlaygroundOptions): Promise<Playground> {
  const fake = createFakeRingCentral(fakeOptions);
  await fake.listen(0, '127.0.0.1');
  const verificationToken = randomBytes(24).toString('hex');
  const config = parseConfig({
    ...env,
    ROLE: 'all',
    QUEUE_PREFIX: `rc-enrich-playground-${randomBytes(4).toString('hex')}`,
    RINGCENTRAL_SERVER_URL: fake.url,
    RINGCENTRAL_CLIENT_ID: fake.credentials.clientId,
    RINGCENTRAL_CLIENT_SECRET: fake.credentials.clientSecret,
    RINGCENTRAL_JWT: fake.credentials.jwt,
    WEBHOOK_VERIFICATION_TOKEN: verificationToken,
    ...overrides,
  });
  let service: RunningService;
  try {
    service = await startService(config, logger);
  } catch (err) {
    await fake.close();
    throw err;
  }
  const address = await service.app.listen({ port: 0, host: '127.0.0.1' });
  const webhookUrl = `${address}/webhooks/ringcentral`;

  // Register the way an operator would: RingCentral (here the simulator) runs the real handshake.
  await service.services.ringcentral.request({
    method: 'POST',
    path: '/restapi/v1.0/subscription',
    group: 'Medium',
    body: {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      deliveryMode: { transportType: 'WebHook', address: webhookUrl, verificationToken },
      expiresIn: 315_360_000,
    },
  });

  return {
    fake,
    service,
    config,
    webhookUrl,
    async close() {
      await service.close();
      await fake.close();
      await removeKeys(config);
    },
  };
}

async function removeKeys(config: Config): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl);
  try {
    const pattern = `\\{${config.queuePrefix}\\}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
