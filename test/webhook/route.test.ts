import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import type { Services } from '../../src/services.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';

const token = 'test-verification-token';
let service: RunningService;
let services: Services;
let app: FastifyInstance;

beforeEach(async () => {
  const config = testConfig({ ROLE: 'api', WEBHOOK_BODY_LIMIT: '4096' });
  // The api role as `npm start` runs it, without the features: the route on its own.
  service = await startService(config, createLogger('silent'), { features: [] });
  ({ services, app } = service);
});

afterEach(async () => {
  await service.close();
  await cleanupPrefix(service.config.queuePrefix);
});

/** rc_enrich_webhook_requests_total for one outcome. */
const counted = async (outcome: string) =>
  (await service.metrics.webhookRequests.get()).values.find((value) => value.labels.outcome === outcome)
    ?.value ?? 0;

const post = (body: unknown, headers: Record<string, string> = { 'verification-token': token }) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/ringcentral',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

const enrichJobs = async () => services.queues.enrich.getJobCounts('waiting', 'delayed', 'active');
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
/** Keys under the test's prefix apart from the ones BullMQ writes for each queue when it opens. */
const recordedKeys = async () => {
  const keys: string[] = [];
  const prefix = service.config.queuePrefix;
  for await (const batch of services.redis.scanStream({ match: `{${prefix}}*`, count: 1000 }))
    keys.push(...(batch as string[]));
  return keys.filter((key) => !key.endsWith(':meta'));
};

describe('webhook › handshake', () => {
  it('echoes Validation-Token with 200 and a JSON content type, even with an empty body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/ringcentral',
      headers: { 'validation-token': 'abc123', 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['validation-token']).toBe('abc123');
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.rawPayload.length + JSON.stringify(response.headers).length).toBeLessThan(1024);
  });
});

describe('webhook › verification token', () => {
  it('refuses a notification without Verification-Token with 401 and enqueues nothing', async () => {
    const tsid = newTelephonySessionId();
    const response = await post(
      telephonyNotification({
        telephonySessionId: tsid,
        sequence: 2,
        party: { id: 'p-1', status: 'Disconnected' },
      }),
      {},
    );
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({
      error: 'Unauthorized',
      message: expect.stringMatching(/Verification-Token/),
    });
    expect(total(await enrichJobs())).toBe(0);
    expect(await services.callState.get(tsid)).toBeNull();
  });

  it('refuses a forged Verification-Token with 403 and enqueues nothing', async () => {
    const tsid = newTelephonySessionId();
    const response = await post(
      telephonyNotification({
        telephonySessionId: tsid,
        sequence: 2,
        party: { id: 'p-1', status: 'Disconnected' },
      }),
      { 'verification-token': 'not-the-token' },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Verification-Token does not match',
    });
    expect(total(await enrichJobs())).toBe(0);
    expect(await services.callState.get(tsid)).toBeNull();
  });
});

describe('webhook › bad input', () => {
  it('answers 400 with a clear message for malformed JSON', async () => {
    const response = await post('{"uuid": "1", "event": ');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/JSON/i);
    expect(await counted('invalid')).toBe(1);
  });

  it('answers 400 naming the field for a wrong shape', async () => {
    const notification = telephonyNotification({
      telephonySessionId: newTelephonySessionId(),
      sequence: 2,
      party: { id: 'p-1', status: 'Setup' },
    });
    const broken = { ...notification, body: { ...notification.body, parties: 'nope' } };
    const response = await post(broken);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('body.parties');
    expect(total(await enrichJobs())).toBe(0);
  });

  it('answers 400 when the envelope lacks its uuid', async () => {
    const { uuid: _uuid, ...withoutUuid } = telephonyNotification({
      telephonySessionId: newTelephonySessionId(),
      sequence: 2,
      party: { id: 'p-1', status: 'Setup' },
    });
    const response = await post(withoutUuid);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/uuid/);
  });

  it('answers 413 above the body limit', async () => {
    const notification = telephonyNotification({
      telephonySessionId: newTelephonySessionId(),
      sequence: 2,
      party: { id: 'p-1', status: 'Setup' },
    });
    const response = await post({ ...notification, padding: 'x'.repeat(5000) });
    expect(response.statusCode).toBe(413);
    expect(await counted('invalid')).toBe(1);
  });

  it('answers 415 for a non-JSON content type', async () => {
    const response = await post('uuid=1', {
      'verification-token': token,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.statusCode).toBe(415);
  });

  it('accepts unknown fields and unknown status codes', async () => {
    const tsid = newTelephonySessionId();
    const notification = telephonyNotification({
      telephonySessionId: tsid,
      sequence: 2,
      party: { id: 'p-1', status: 'Teleporting' },
    });
    const response = await post({ ...notification, somethingNew: { nested: true } });
    expect(response.statusCode).toBe(200);
    expect((await services.callState.get(tsid))?.parties[0]?.status).toBe('Teleporting');
  });
});

describe('webhook › notifications', () => {
  it('schedules exactly one lookup when the last party disconnects, and none before', async () => {
    const tsid = newTelephonySessionId();
    const caller = { id: `p-${tsid}-1`, status: 'Answered' };
    const agent = { id: `p-${tsid}-2`, status: 'Answered', extensionId: '101' };
    expect(
      (await post(telephonyNotification({ telephonySessionId: tsid, sequence: 2, party: caller })))
        .statusCode,
    ).toBe(200);
    expect(
      (await post(telephonyNotification({ telephonySessionId: tsid, sequence: 3, party: agent }))).statusCode,
    ).toBe(200);
    await post(
      telephonyNotification({
        telephonySessionId: tsid,
        sequence: 4,
        party: { ...agent, status: 'Disconnected' },
      }),
    );
    expect(total(await enrichJobs())).toBe(0);
    await post(
      telephonyNotification({
        telephonySessionId: tsid,
        sequence: 5,
        party: { ...caller, status: 'Disconnected' },
      }),
    );
    expect(await services.queues.enrich.getJobCounts('delayed')).toEqual({ delayed: 1 });
  });

  it('answers a redelivered notification with duplicate and records it once', async () => {
    const tsid = newTelephonySessionId();
    const notification = telephonyNotification({
      telephonySessionId: tsid,
      sequence: 2,
      party: { id: 'p-1', status: 'Disconnected' },
    });
    expect((await post(notification)).json()).toEqual({ status: 'accepted' });
    expect((await post(notification)).json()).toEqual({ status: 'duplicate' });
    expect(await services.queues.enrich.getJobCounts('delayed')).toEqual({ delayed: 1 });
    const story = await services.story.list(tsid);
    expect(story.filter((entry) => entry.step === 'notification')).toHaveLength(1);
  });

  it('acknowledges notifications it did not subscribe to without recording them', async () => {
    const response = await post({
      uuid: '42',
      event: '/restapi/v1.0/account/~/extension/~/presence',
      body: { presenceStatus: 'Busy' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ignored' });
    expect(total(await enrichJobs())).toBe(0);
    // Not even the duplicate check's key: nothing but the queues' own bookkeeping is under the prefix.
    expect(await recordedKeys()).toEqual([]);
  });
});

describe('webhook › Redis unavailable', () => {
  it('answers 503 at once instead of hanging or pretending the call was recorded', async () => {
    services.redis.disconnect();
    const started = Date.now();
    const response = await post(
      telephonyNotification({
        telephonySessionId: newTelephonySessionId(),
        sequence: 2,
        party: { id: 'p-1', status: 'Disconnected' },
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toMatch(/unable to accept/i);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await counted('error')).toBe(1);
  });
});
