import { UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribe } from '../../src/cli/commands/subscribe.js';
import { unsubscribe } from '../../src/cli/commands/unsubscribe.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/infra/logger.js';
import { createMetrics, type Metrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { createServices, type Services } from '../../src/services.js';
import { subscriptionParts } from '../../src/subscriptions/feature.js';
import { createSubscriptionMetrics } from '../../src/subscriptions/metrics.js';
import { captureOutput, startHarness, type Harness } from './harness.js';

let h: Harness;
let services: Services;
let metrics: Metrics;
let parts: ReturnType<typeof subscriptionParts>;
/** The fake platform's clock runs this far from ours (to make a subscription look old). */
let skewMs = 0;

async function open(config: Config) {
  metrics = createMetrics({ defaultMetrics: false });
  const logger = createLogger('silent');
  services = await createServices(config, logger);
  const ringcentral = createRingCentralClient({
    config: config.ringcentral,
    redis: services.workerRedis,
    keys: services.keys,
    logger,
    metrics,
  });
  parts = subscriptionParts(
    { ...services, config, logger, ringcentral },
    { metrics: createSubscriptionMetrics(metrics.registry) },
  );
}

beforeEach(async () => {
  skewMs = 0;
  h = await startHarness({ fake: { now: () => Date.now() + skewMs } });
  await open(h.config);
});

afterEach(async () => {
  await services.close();
  await h.close();
});

const quiet = () => captureOutput().output;
const metricValue = async (name: string, labels: Record<string, string>) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) =>
    Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  )?.value;
const readiness = async () =>
  (await h.running!.app.inject({ url: '/health/ready' })).json().checks.subscription;

describe('keeper › blacklisted subscription', () => {
  it('deletes it and creates a new one, counts the repair and reports active', async () => {
    const old = (await subscribe(h.config, {}, quiet())).subscription!.id;
    h.fake.subscriptions.blacklist(old, 'Webhook responses with code: [503], reason: [Service Unavailable]');

    const outcome = await parts.keeper.check();

    expect('result' in outcome && outcome.result.action).toBe('recreated');
    const left = h.fake.subscriptions.list();
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(old);
    expect(left[0]!.status).toBe('Active');
    expect(await metricValue('rc_enrich_subscription_repairs_total', { action: 'recreated' })).toBe(1);
    expect(await metricValue('rc_enrich_subscription_state', { state: 'active' })).toBe(1);
    expect(await metricValue('rc_enrich_subscription_state', { state: 'blacklisted' })).toBe(0);
    const ready = await readiness();
    expect(ready).toMatchObject({
      state: 'active',
      lastAction: { action: 'recreated', previousState: 'blacklisted' },
    });
    // /health/ready answers anyone: no ids there; the operator's store (and CLI) has them.
    expect(JSON.stringify(ready)).not.toContain(left[0]!.id);
    expect(JSON.stringify(ready)).not.toContain(old);
    expect((await parts.store.read()).snapshot).toMatchObject({
      id: left[0]!.id,
      lastAction: { previousId: old },
    });
  });
});

describe('keeper › subscription disappeared', () => {
  it('creates it again when `subscribe` had made it', async () => {
    const old = (await subscribe(h.config, {}, quiet())).subscription!.id;
    h.fake.subscriptions.expire(old);
    expect(h.fake.subscriptions.list()).toEqual([]);

    const outcome = await parts.keeper.check();

    expect('result' in outcome && outcome.result.action).toBe('created');
    expect(h.fake.subscriptions.list()).toHaveLength(1);
    expect(await metricValue('rc_enrich_subscription_repairs_total', { action: 'recreated' })).toBe(1);
    expect((await readiness()).state).toBe('active');
  });

  it('leaves it gone after `rc-enrich unsubscribe`, and reports missing', async () => {
    await subscribe(h.config, {}, quiet());
    await unsubscribe(h.config, {}, quiet());

    const outcome = await parts.keeper.check();

    expect('result' in outcome && outcome.result.action).toBe('none');
    expect(h.fake.subscriptions.list()).toEqual([]);
    expect(await metricValue('rc_enrich_subscription_state', { state: 'missing' })).toBe(1);
    expect((await readiness()).state).toBe('missing');
  });
});

describe('keeper › expiry approaching', () => {
  it('renews a subscription inside the renewal window, and leaves a healthy one alone', async () => {
    const config = h.configWith({ SUBSCRIPTION_EXPIRES_IN: '3600' });
    await services.close();
    await open(config);
    skewMs = -3_000_000; // created "50 minutes ago": 10 minutes left of its hour
    const created = (await subscribe(config, {}, quiet())).subscription!;
    skewMs = 0;

    const first = await parts.keeper.check();
    expect('result' in first && first.result).toMatchObject({ action: 'renewed', previousState: 'expiring' });
    const renewed = h.fake.subscriptions.get(created.id)!;
    expect(Date.parse(renewed.expirationTime) - Date.now()).toBeGreaterThan(3_500_000);
    expect(await metricValue('rc_enrich_subscription_repairs_total', { action: 'renewed' })).toBe(1);

    const second = await parts.keeper.check();
    expect('result' in second && second.result.action).toBe('reused');
  });
});

describe('keeper › repair fails', () => {
  it('records the state it found and the error, and fails the job without retries', async () => {
    const old = (await subscribe(h.config, {}, quiet())).subscription!.id;
    h.fake.subscriptions.blacklist(old, 'Read timed out');
    const invalid = { errorCode: 'SUB-525', message: 'WebHook server response is invalid' };
    h.fake.faults.failNext({
      method: 'POST',
      path: '/restapi/v1.0/subscription',
      status: 400,
      body: { ...invalid, errors: [invalid] },
    });

    const error = await parts.keeper.check().catch((err: unknown) => err);

    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/RingCentral could not reach .*\/webhooks\/ringcentral/);
    const reported = await readiness();
    expect(reported).toEqual(expect.objectContaining({ state: 'blacklisted', lastCheckFailed: true }));
    expect(JSON.stringify(reported)).not.toMatch(/could not reach|Read timed out/);
    const stored = (await parts.store.read()).snapshot;
    expect(stored).toMatchObject({ state: 'blacklisted', blacklistedReason: 'Read timed out' });
    expect(stored?.lastError).toMatch(/could not reach/);
    const scraped = await h.running!.app.inject({ url: '/metrics' });
    expect(scraped.body).toContain('rc_enrich_subscription_state{state="blacklisted"} 1');
  });
});

describe('keeper › PUBLIC_URL not set', () => {
  it('skips without calling RingCentral, and readiness says the subscription is unmanaged', async () => {
    await services.close();
    await open(h.configWith({ PUBLIC_URL: '' }));

    expect(await parts.keeper.check()).toEqual({ skipped: 'PUBLIC_URL is not set' });
    expect(h.fake.requestLog).toHaveLength(0);
  });
});
