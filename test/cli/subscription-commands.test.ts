import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renew } from '../../src/cli/commands/renew.js';
import { subscribe } from '../../src/cli/commands/subscribe.js';
import { listSubscriptions } from '../../src/cli/commands/subscriptions.js';
import { unsubscribe } from '../../src/cli/commands/unsubscribe.js';
import { createLogger } from '../../src/infra/logger.js';
import { checkSettings } from '../../src/cli/subscription-support.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { createServices } from '../../src/services.js';
import { captureOutput, startHarness, type Harness } from '../subscriptions/harness.js';

const tenYearsMs = 315_360_000 * 1000;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

const address = () => `${h.publicUrl}/webhooks/ringcentral`;

describe('subscribe › first run', () => {
  it('creates one subscription to PUBLIC_URL/webhooks/ringcentral with our token, the reminder filter and a 10-year life', async () => {
    const printed = captureOutput();
    const result = await subscribe(h.config, {}, printed.output);

    expect(result.action).toBe('created');
    const [sub, ...rest] = h.fake.subscriptions.list();
    expect(rest).toHaveLength(0);
    expect(sub!.id).toBe(result.subscription!.id);
    expect(sub!.deliveryMode.address).toBe(address());
    expect(sub!.verificationToken).toBe('test-verification-token');
    expect(sub!.eventFilters).toContain(`/restapi/v1.0/account/${h.fake.accountId}/telephony/sessions`);
    expect(sub!.eventFilters).toContain('/restapi/v1.0/subscription/~?threshold=2592000&interval=86400');
    expect(Date.parse(sub!.expirationTime) - Date.now()).toBeGreaterThan(tenYearsMs - 60_000);

    const text = printed.text();
    expect(text).toContain(sub!.id);
    expect(text).toContain('Active');
    expect(text).toContain(sub!.expirationTime);
    expect(text).toContain(address());
    expect(printed.warnings).toEqual([]);
  });
});

describe('subscribe › run twice', () => {
  it('reuses the existing subscription: one subscription after two runs', async () => {
    const first = await subscribe(h.config, {}, captureOutput().output);
    const printed = captureOutput();
    const second = await subscribe(h.config, { json: true }, printed.output);

    expect(second.action).toBe('reused');
    expect(second.subscription!.id).toBe(first.subscription!.id);
    expect(h.fake.subscriptions.list()).toHaveLength(1);
    expect(JSON.parse(printed.out[0]!)).toMatchObject({ action: 'reused', address: address() });
  });

  it('replaces a blacklisted one instead of adding a second, and says why', async () => {
    const first = await subscribe(h.config, {}, captureOutput().output);
    h.fake.subscriptions.blacklist(first.subscription!.id, 'Webhook responses with code: [404]');
    const printed = captureOutput();
    const second = await subscribe(h.config, {}, printed.output);

    expect(second.action).toBe('recreated');
    const ids = h.fake.subscriptions.list().map((sub) => sub.id);
    expect(ids).toEqual([second.subscription!.id]);
    expect(printed.text()).toContain('Webhook responses with code: [404]');
  });
});

describe('subscriptions › list', () => {
  it('shows status, expiry, filters and the blacklisting reason, and marks ours', async () => {
    const created = await subscribe(h.config, {}, captureOutput().output);
    const id = created.subscription!.id;
    h.fake.subscriptions.blacklist(id, 'I/O operation is failed. Details: [Read timed out]');

    const printed = captureOutput();
    const listed = await listSubscriptions(h.config, {}, printed.output);

    expect(listed.subscriptions).toHaveLength(1);
    expect(listed.subscriptions[0]).toMatchObject({ ours: true, state: 'blacklisted' });
    const text = printed.text();
    expect(text).toContain(id);
    expect(text).toContain('Blacklisted');
    expect(text).toContain('[ours]');
    expect(text).toContain('expires ');
    expect(text).toContain('/telephony/sessions');
    expect(text).toContain('BLACKLISTED: I/O operation is failed. Details: [Read timed out]');
  });
});

describe('renew › an active subscription', () => {
  it('renews it through RingCentral and prints the new expiry', async () => {
    const config = h.configWith({ SUBSCRIPTION_EXPIRES_IN: '3600' });
    const created = await subscribe(config, {}, captureOutput().output);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const printed = captureOutput();
    const renewed = await renew(config, {}, printed.output);

    expect(renewed.action).toBe('renewed');
    expect(renewed.subscription!.id).toBe(created.subscription!.id);
    expect(Date.parse(renewed.subscription!.expirationTime!)).toBeGreaterThan(
      Date.parse(created.subscription!.expirationTime!),
    );
    expect(h.fake.requestLog.some((r) => r.method === 'POST' && r.path.endsWith('/renew'))).toBe(true);
    expect(printed.text()).toContain(`Subscription ${created.subscription!.id} renewed`);
  });

  it('fails with a pointer to `subscribe` when there is none', async () => {
    await expect(renew(h.config, {}, captureOutput().output)).rejects.toThrow(/rc-enrich subscribe/);
  });
});

describe('unsubscribe › ours among others', () => {
  it('deletes only ours: another address and another filter on our address stay', async () => {
    await subscribe(h.config, {}, captureOutput().output);
    // Another service's subscription (same server, another address) ...
    const other = await subscribe(
      h.configWith({ PUBLIC_URL: h.publicUrl.replace('127.0.0.1', 'localhost') }),
      {},
      captureOutput().output,
    );
    // ... and one on our address without the telephony-session filter.
    const services = await createServices(h.config, createLogger('silent'));
    const ringcentral = createRingCentralClient({
      config: h.config.ringcentral,
      redis: services.workerRedis,
      keys: services.keys,
      logger: createLogger('silent'),
      metrics: createMetrics({ defaultMetrics: false }),
    });
    const presence = await ringcentral
      .request<{ id: string }>({
        method: 'POST',
        path: '/restapi/v1.0/subscription',
        group: 'Medium',
        body: {
          eventFilters: ['/restapi/v1.0/account/~/extension/~/presence'],
          deliveryMode: { transportType: 'WebHook', address: address() },
          expiresIn: 3600,
        },
      })
      .finally(() => services.close());

    const printed = captureOutput();
    const result = await unsubscribe(h.config, {}, printed.output);

    expect(result.deleted).toHaveLength(1);
    const left = h.fake.subscriptions
      .list()
      .map((sub) => sub.id)
      .sort();
    expect(left).toEqual([other.subscription!.id, presence.data.id].sort());
    expect(printed.text()).toContain(`Deleted subscription ${result.deleted[0]}`);

    const again = captureOutput();
    expect((await unsubscribe(h.config, {}, again.output)).deleted).toEqual([]);
    expect(again.text()).toContain('nothing to delete');
  });
});

describe('subscribe › settings', () => {
  it('fails naming PUBLIC_URL when it is not set, before calling RingCentral', async () => {
    const config = h.configWith({ PUBLIC_URL: '' });
    await expect(subscribe(config, {}, captureOutput().output)).rejects.toThrow(/PUBLIC_URL is not set/);
    expect(h.fake.requestLog).toHaveLength(0);
  });

  it('warns when PUBLIC_URL is plain http on a public host, and not for localhost with a local platform', () => {
    const printed = captureOutput();
    checkSettings(
      h.configWith({ PUBLIC_URL: 'http://rc-enrich.example.com' }),
      { publicUrl: true },
      printed.output,
    );
    expect(printed.warnings.join('\n')).toMatch(/not HTTPS/);

    const local = captureOutput();
    checkSettings(h.config, { publicUrl: true }, local.output);
    expect(local.warnings).toEqual([]);
  });

  it('warns that RingCentral cannot reach a localhost PUBLIC_URL', () => {
    const printed = captureOutput();
    const config = h.configWith({ RINGCENTRAL_SERVER_URL: 'https://platform.ringcentral.com' });
    checkSettings(config, { publicUrl: true }, printed.output);
    expect(printed.warnings.join('\n')).toMatch(/cannot reach it/);
  });
});
