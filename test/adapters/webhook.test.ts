import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebhookAdapter, webhookId } from '../../src/adapters/webhook/index.js';
import { ConfigError } from '../../src/config.js';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/errors.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.js';
import { inboundCall } from '../fixtures/calls.js';
import { captureLogger, deliveryContext, rejection, silentLogger } from './support.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('webhook adapter', () => {
  let receiver: WebhookReceiver;
  const adapter = (env: Record<string, string> = {}, logger = silentLogger) =>
    createWebhookAdapter({
      env: { CRM_WEBHOOK_URL: `${receiver.url}/hooks/calls`, CRM_WEBHOOK_SECRET: secret, ...env },
      logger,
    });

  beforeEach(async () => {
    receiver = await startWebhookReceiver({ secret });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await receiver.close();
  });

  it('POSTs the call as a signed Standard Webhooks message the receiver verifies', async () => {
    const call = inboundCall();
    const ctx = deliveryContext();
    await adapter().deliver(call, ctx);

    expect(receiver.rejected).toBe(0);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/calls' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': ctx.idempotencyKey,
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    expect(request!.json).toEqual({
      type: 'call.enriched',
      timestamp: call.endedAt,
      data: {
        telephonySessionId: call.telephonySessionId,
        sessionId: call.sessionId,
        accountId: call.accountId,
        source: 'call-log',
        records: call.records,
        parties: [],
        firstSeenAt: call.firstSeenAt,
        endedAt: call.endedAt,
      },
    });
  });

  it('retries › the same webhook-id and body, a fresh timestamp and signature', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const call = inboundCall();
    const ctx = deliveryContext();
    const webhook = adapter();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    receiver.failNext({ status: 503 });
    await expect(webhook.deliver(call, ctx)).rejects.toBeInstanceOf(RetryableDeliveryError);
    vi.setSystemTime(new Date('2030-01-01T00:00:40Z'));
    await webhook.deliver(call, { ...ctx, attempt: 2 });

    const [first, second] = receiver.requests;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp'])).toBe(
      40,
    );
    expect(second!.headers['webhook-signature']).not.toBe(first!.headers['webhook-signature']);
  });

  it.each([408, 429, 500, 502, 503, 504])('%i › retry later', async (status) => {
    receiver.failNext({ status });
    const err = await rejection(adapter().deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err.message).toContain(String(status));
  });

  it('429 with Retry-After › retryAfterMs says when', async () => {
    receiver.failNext({ status: 429, headers: { 'retry-after': '120' } });
    const err = await rejection(adapter().deliver(inboundCall(), deliveryContext()));
    expect(err).toMatchObject({ retryAfterMs: 120_000 });
  });

  it.each([400, 401, 403, 404, 422])('%i › give up, naming the status', async (status) => {
    receiver.failNext({ status, body: { error: 'nope' } });
    const err = await rejection(adapter().deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err.message).toContain(String(status));
  });

  it('410 Gone › give up, saying the endpoint is gone', async () => {
    receiver.failNext({ status: 410 });
    const err = await rejection(adapter().deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err.message).toMatch(/gone \(410\)/);
  });

  it('a redirect › not followed (a POST must not turn into a GET), give up naming the target', async () => {
    receiver.failNext({ status: 302, headers: { location: `${receiver.url}/elsewhere` } });
    const err = await rejection(adapter().deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err.message).toContain('/elsewhere');
    expect(receiver.requests).toHaveLength(1);
  });

  it('a receiver that never answers › retry later after CRM_REQUEST_TIMEOUT_MS', async () => {
    receiver.hang();
    const err = await rejection(
      adapter({ CRM_REQUEST_TIMEOUT_MS: '150' }).deliver(inboundCall(), deliveryContext()),
    );
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err.message).toMatch(/no answer within 150 ms/);
  });

  it('ctx.signal aborted mid-request › retry later', async () => {
    receiver.hang();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 50);
    const err = await rejection(
      adapter().deliver(inboundCall(), deliveryContext({ signal: controller.signal })),
    );
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err.message).toMatch(/aborted/);
  });

  it('nobody listening › retry later (network error)', async () => {
    const url = receiver.url;
    await receiver.close();
    const webhook = createWebhookAdapter({
      env: { CRM_WEBHOOK_URL: url, CRM_WEBHOOK_SECRET: secret },
      logger: silentLogger,
    });
    const err = await rejection(webhook.deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err.message).toMatch(/network error \(ECONNREFUSED\)/);
    receiver = await startWebhookReceiver({ secret });
  });

  it('goes through options.fetch when given', async () => {
    const seen: string[] = [];
    const webhook = createWebhookAdapter({
      env: { CRM_WEBHOOK_URL: 'https://hooks.example/calls', CRM_WEBHOOK_SECRET: secret },
      logger: silentLogger,
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(null, { status: 204 });
      },
    });
    await webhook.deliver(inboundCall(), deliveryContext());
    expect(seen).toEqual(['https://hooks.example/calls']);
  });

  it('never logs the secret', async () => {
    const { logger, output } = captureLogger();
    receiver.failNext({ status: 500 });
    const webhook = adapter({}, logger);
    await rejection(webhook.deliver(inboundCall(), deliveryContext({ logger })));
    await webhook.deliver(inboundCall(), deliveryContext({ logger }));
    expect(output()).not.toContain(secret.slice(6));
  });
});

describe('webhook adapter › webhookId', () => {
  it('keeps safe keys and hashes keys with a "." into a stable id without one', () => {
    expect(webhookId('call_abc123')).toBe('call_abc123');
    expect(webhookId('acct.123/s-1')).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(webhookId('acct.123/s-1')).toBe(webhookId('acct.123/s-1'));
  });
});

describe('webhook adapter › settings', () => {
  const make = (env: Record<string, string>) => () => createWebhookAdapter({ env, logger: silentLogger });

  it.each([
    [{ CRM_WEBHOOK_SECRET: secret }, /CRM_WEBHOOK_URL is required/],
    [{ CRM_WEBHOOK_URL: 'https://hooks.example' }, /CRM_WEBHOOK_SECRET is required/],
    [
      { CRM_WEBHOOK_URL: 'ftp://hooks.example', CRM_WEBHOOK_SECRET: secret },
      /CRM_WEBHOOK_URL must be an http\(s\) URL/,
    ],
    [
      { CRM_WEBHOOK_URL: 'https://h.example', CRM_WEBHOOK_SECRET: secret.slice(6) },
      /CRM_WEBHOOK_SECRET must start with whsec_/,
    ],
    [
      { CRM_WEBHOOK_URL: 'https://h.example', CRM_WEBHOOK_SECRET: 'whsec_not base64!' },
      /must be whsec_ followed by base64/,
    ],
    [
      {
        CRM_WEBHOOK_URL: 'https://h.example',
        CRM_WEBHOOK_SECRET: `whsec_${randomBytes(8).toString('base64')}`,
      },
      /24 to 64 random bytes \(it holds 8\)/,
    ],
  ])('%o › a ConfigError naming the problem', (env, message) => {
    expect(make(env)).toThrow(ConfigError);
    expect(make(env)).toThrow(message);
  });

  it('a bad secret is never echoed in the error', () => {
    const bad = 'whsec_####topsecret####';
    expect(make({ CRM_WEBHOOK_URL: 'https://h.example', CRM_WEBHOOK_SECRET: bad })).toThrow(
      /^(?![\s\S]*topsecret)/,
    );
  });
});
