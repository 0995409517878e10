import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { ErrorCode, LoginError, RetryableError } from '../../src/errors.js';
import { createKeys } from '../../src/infra/keys.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { startFake } from '../fake-ringcentral/helpers.js';
import { cleanupPrefix, redisUrl, testConfig } from '../helpers/config.js';

const connections: Redis[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((redis) => redis.quit()));
  await Promise.all(prefixes.splice(0).map(cleanupPrefix));
});

/** One rc-enrich process's RingCentral client: its own SDK and Redis connection, the shared prefix. */
function processFor(config: Config) {
  const redis = new Redis(redisUrl);
  connections.push(redis);
  const keys = createKeys(config.queuePrefix);
  return createRingCentralClient({
    config: config.ringcentral,
    redis,
    keys,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
  });
}

async function setup(env: Record<string, string> = {}) {
  const fake = await startFake();
  const config = testConfig({
    RINGCENTRAL_SERVER_URL: fake.url,
    RINGCENTRAL_CLIENT_ID: fake.credentials.clientId,
    RINGCENTRAL_CLIENT_SECRET: fake.credentials.clientSecret,
    RINGCENTRAL_JWT: fake.credentials.jwt,
    ...env,
  });
  prefixes.push(config.queuePrefix);
  const logins = () => fake.requestLog.filter((r) => r.path === '/restapi/oauth/token').length;
  return { fake, config, logins, keys: createKeys(config.queuePrefix) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the login to fail');
}

describe('shared login', () => {
  it('three processes without a token › one JWT login, and all three use its token', async () => {
    const { config, logins } = await setup();
    const processes = [processFor(config), processFor(config), processFor(config)];

    await Promise.all(processes.map((p) => p.ensureLoggedIn()));

    expect(logins()).toBe(1);
    for (const p of processes) expect(await p.platform.auth().accessTokenValid()).toBe(true);
  });

  it('a valid token already in Redis › a new process logs in not at all', async () => {
    const { config, logins } = await setup();
    await processFor(config).ensureLoggedIn();

    await processFor(config).ensureLoggedIn();

    expect(logins()).toBe(1);
  });

  it('a process died holding the login lock › the others log in once its TTL has run out', async () => {
    const { config, logins, keys } = await setup();
    const redis = new Redis(redisUrl);
    connections.push(redis);
    await redis.set(keys.loginLock(), 'a process that died', 'PX', 400);
    const started = Date.now();

    await processFor(config).ensureLoggedIn();

    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(logins()).toBe(1);
  });

  it.each([
    {
      answer: '429 with Retry-After: 7',
      fault: { status: 429, headers: { 'retry-after': '7' } },
      expected: { type: RetryableError, code: ErrorCode.RateLimited, retryAfterMs: 7_000 },
      next: 'held off by the Auth penalty',
    },
    {
      answer: '503',
      fault: { status: 503 },
      expected: { type: RetryableError, code: ErrorCode.Unavailable, retryAfterMs: undefined },
      next: 'logs in',
    },
    {
      answer: '400 invalid_grant',
      fault: { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT' } },
      expected: { type: LoginError, code: ErrorCode.Unauthorized, retryAfterMs: undefined },
      next: 'logs in',
    },
  ])(
    'the login is answered $answer › $expected.code, the lock is free, the next attempt $next',
    async (row) => {
      const { fake, config, keys, logins } = await setup();
      fake.faults.failNext({ path: '/restapi/oauth/token', ...row.fault });
      const redis = new Redis(redisUrl);
      connections.push(redis);

      const error = await failure(processFor(config).ensureLoggedIn());

      expect(error).toBeInstanceOf(row.expected.type);
      expect(error).toMatchObject({ code: row.expected.code });
      expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(row.expected.retryAfterMs);
      if (error instanceof LoginError) expect(error.message).toContain('check RINGCENTRAL_CLIENT_ID');
      expect(await redis.exists(keys.loginLock())).toBe(0);
      const next = processFor(config).ensureLoggedIn();
      if (row.next === 'logs in') {
        await next;
        expect(logins()).toBe(2);
      } else {
        expect(await failure(next)).toMatchObject({ code: ErrorCode.RateLimited });
        expect(logins()).toBe(1);
      }
    },
  );

  it('no JWT configured › a LoginError naming the settings, nothing sent', async () => {
    const { config, logins } = await setup({ RINGCENTRAL_JWT: '' });

    const error = await failure(processFor(config).ensureLoggedIn());

    expect(error).toBeInstanceOf(LoginError);
    expect(error.message).toBe('RINGCENTRAL_CLIENT_ID and RINGCENTRAL_JWT are required');
    expect(logins()).toBe(0);
  });
});
