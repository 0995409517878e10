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
let prefix: string;

beforeEach(async () => {
  const config = testConfig({ ROLE: 'api' });
  prefix = config.queuePrefix;
  // The api role as `npm start` runs it, without the features: the route on its own.
  service = await startService(config, createLogger('silent'), { features: [] });
  ({ services, app } = service);
});

afterEach(async () => {
  await service.close();
  await cleanupPrefix(prefix);
});

const post = (payload: string) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/ringcentral',
    headers: { 'content-type': 'application/json', 'verification-token': token },
    payload,
  });

const ended = (tsid: string, uuid?: string) =>
  telephonyNotification({
    telephonySessionId: tsid,
    sequence: 2,
    party: { id: 'p-1', status: 'Disconnected' },
    uuid,
  });

describe('webhook › bounded input', () => {
  it('refuses an id longer than the cap with 400 and stores nothing', async () => {
    const tsid = newTelephonySessionId();
    const notification = ended(tsid);
    notification.body.parties[0]!.id = 'x'.repeat(10_000);
    const response = await post(JSON.stringify(notification));
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/parties\.0\.id/);
    expect(await services.callState.get(tsid)).toBeNull();
  });

  it('drops party fields it does not know, at every level', async () => {
    const tsid = newTelephonySessionId();
    const notification = ended(tsid);
    const party = notification.body.parties[0]!;
    Object.assign(party, { junk: 'y'.repeat(2_000) });
    Object.assign(party.from, { extra: 'z'.repeat(2_000) });
    Object.assign(party.status, { more: 'w'.repeat(2_000) });
    expect((await post(JSON.stringify(notification))).statusCode).toBe(200);
    const stored = await services.redis.hget(services.keys.callParties(tsid), 'p-1');
    expect(stored).not.toMatch(/junk|extra|more/);
    expect(stored!.length).toBeLessThan(600);
  });

  it('accepts a body nested deeper than Lua can decode, and stores none of it', async () => {
    const tsid = newTelephonySessionId();
    const notification = ended(tsid);
    const deep = `${'['.repeat(1_500)}${']'.repeat(1_500)}`;
    const text = JSON.stringify(notification).replace('"from":{', `"from":{"deep":${deep},`);
    const response = await post(text);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted' });
  });

  it('refuses a lone surrogate with 400; the corrected retry with the same uuid is accepted, not a duplicate', async () => {
    const tsid = newTelephonySessionId();
    const notification = ended(tsid, `uuid-${tsid}`);
    const bad = JSON.stringify(notification).replace('"Disconnected"', '"Disconnected\\ud800"');
    const refused = await post(bad);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/Unicode/);
    const retry = await post(JSON.stringify(notification));
    expect(retry.json()).toEqual({ status: 'accepted' });
    expect(await services.queues.enrich.getJobCounts('delayed')).toEqual({ delayed: 1 });
  });

  it('calls whose ids differ only by ":" and "_" each get their own lookup', async () => {
    const suffix = newTelephonySessionId();
    for (const tsid of [`${suffix}:1`, `${suffix}_1`]) {
      expect((await post(JSON.stringify(ended(tsid)))).json()).toEqual({ status: 'accepted' });
    }
    expect(await services.queues.enrich.getJobCounts('delayed')).toEqual({ delayed: 2 });
  });
});
