import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, RetryableError } from '../../src/errors.js';
import { createFakeRingCentral, type FakeRingCentral } from '../../src/fake-ringcentral/index.js';
import { createKeys } from '../../src/infra/keys.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { cleanupPrefix, redisUrl, testConfig } from '../helpers/config.js';
import { sample } from '../monitoring/helpers.js';

const opened: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function startFake(options: Parameters<typeof createFakeRingCentral>[0] = {}) {
  const fake = createFakeRingCentral(options);
  await fake.listen(0, '127.0.0.1');
  opened.push(() => fake.close());
  return fake;
}

/** One rc-enrich process: its own Redis connection and client, the shared key prefix. */
function process(fake: FakeRingCentral, queuePrefix: string) {
  const config = testConfig({ RINGCENTRAL_SERVER_URL: fake.url, QUEUE_PREFIX: queuePrefix });
  const redis = new Redis(redisUrl);
  opened.push(() => redis.quit());
  const metrics = createMetrics({ defaultMetrics: false });
  const client = createRingCentralClient({
    config: config.ringcentral,
    redis,
    keys: createKeys(queuePrefix),
    logger: pino({ level: 'silent' }),
    metrics,
  });
  return { client, metrics };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a refusal'),
    (err: unknown) => err as RetryableError,
  );

describe('rate groups › Auth', () => {
  it('a login refused with Retry-After: 60 is not tried again inside it, by any process; it counts as Auth', async () => {
    const fake = await startFake();
    const prefix = `test-auth-${Date.now()}`;
    opened.push(() => cleanupPrefix(prefix));
    const one = process(fake, prefix);
    const two = process(fake, prefix);
    fake.faults.failNext({
      method: 'POST',
      path: '/restapi/oauth/token',
      status: 429,
      headers: { 'Retry-After': '60' },
    });
    const listSubscriptions = { path: '/restapi/v1.0/subscription', group: 'Light' } as const;

    const first = await refusal(one.client.request(listSubscriptions));
    expect(first).toBeInstanceOf(RetryableError);
    expect(first.code).toBe(ErrorCode.RateLimited);
    // What the subscription check does a few seconds later, here and in another process: no login sent.
    for (const client of [one.client, two.client, one.client]) {
      const again = await refusal(client.request(listSubscriptions));
      expect(again.code).toBe(ErrorCode.RateLimited);
      expect(again.retryAfterMs).toBeGreaterThan(55_000);
    }
    const logins = fake.requestLog.filter((entry) => entry.path === '/restapi/oauth/token');
    expect(logins).toHaveLength(1);
    expect(fake.requestLog.filter((entry) => entry.path === '/restapi/v1.0/subscription')).toHaveLength(0);

    const text = await one.metrics.registry.metrics();
    expect(sample(text, 'rc_enrich_ringcentral_rate_limited_total', { group: 'Auth' })).toBe(1);
    expect(sample(text, 'rc_enrich_ringcentral_rate_limited_total', { group: 'Light' })).toBeUndefined();
    expect(sample(text, 'rc_enrich_ringcentral_requests_total', { group: 'Auth', status: '429' })).toBe(1);
    expect(sample(text, 'rc_enrich_ringcentral_requests_total', { group: 'Light' })).toBeUndefined();
    const auth = await one.client.budgets.Auth.snapshot();
    expect(auth.penaltyMs).toBeGreaterThan(55_000);
  });
});

describe('rate groups › limits learned from X-Rate-Limit-*', () => {
  it('RingCentral allowing 3 Heavy requests a minute, not the configured 10: the 4th waits, no 429', async () => {
    const fake = await startFake({
      rateLimits: { Heavy: { limit: 3, windowMs: 60_000, penaltyMs: 60_000 } },
    });
    const prefix = `test-learn-${Date.now()}`;
    opened.push(() => cleanupPrefix(prefix));
    const { client } = process(fake, prefix);
    const listActiveCalls = {
      path: '/restapi/v1.0/account/~/active-calls',
      group: 'Heavy',
      priority: 'due',
    } as const;

    for (let i = 0; i < 3; i++) expect((await client.request(listActiveCalls)).status).toBe(200);
    const fourth = await refusal(client.request(listActiveCalls));
    expect(fourth.code).toBe(ErrorCode.RateLimited);
    expect(fourth.retryAfterMs).toBeGreaterThan(50_000);
    expect(fake.stats().rateLimited).toBe(0);
    expect(fake.stats().byGroup.Heavy).toBe(3);
    expect(await client.budgets.Heavy.snapshot()).toMatchObject({ limit: 3, used: 3, remaining: 0 });
  });
});
