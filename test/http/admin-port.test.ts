import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';

let service: RunningService | undefined;
afterEach(async () => {
  await service?.close();
  if (service) await cleanupPrefix(service.config.queuePrefix);
  service = undefined;
});

const adminAuth = `Basic ${Buffer.from('admin:a-long-admin-password').toString('base64')}`;
const start = async (env: Record<string, string>) => {
  const config = testConfig({
    ROLE: 'api',
    ADMIN_PASSWORD: 'a-long-admin-password',
    RINGCENTRAL_SERVER_URL: 'http://127.0.0.1:9',
    ...env,
  });
  service = await startService(config, createLogger('silent'));
  return service;
};

describe('ADMIN_PORT › operator routes on an internal port', () => {
  it('set: /metrics and /admin/queues leave the public app for the admin app; webhooks and health stay', async () => {
    const { app, adminApp } = await start({ ADMIN_PORT: '9109' });
    expect(adminApp).toBeDefined();
    for (const url of ['/metrics', '/admin/queues']) {
      const answer = await app.inject({ method: 'GET', url, headers: { authorization: adminAuth } });
      expect(answer.statusCode, url).toBe(404);
    }
    expect((await adminApp!.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const dashboard = await adminApp!.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: adminAuth },
    });
    expect(dashboard.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/webhooks/ringcentral', payload: {} })).statusCode).toBe(
      401,
    );
    for (const target of [app, adminApp!]) {
      expect((await target.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });

  it('unset: everything on PORT, as before', async () => {
    const { app, adminApp } = await start({});
    expect(adminApp).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const dashboard = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: adminAuth },
    });
    expect(dashboard.statusCode).toBe(200);
  });

  it('the same port as PORT is refused at start, naming both', () => {
    expect(() => parseConfig({ PORT: '3000', ADMIN_PORT: '3000' })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: '3000', ADMIN_PORT: '3000' })).toThrow(
      /ADMIN_PORT must differ from PORT/,
    );
    expect(() => parseConfig({ ADMIN_PORT: 'x' })).toThrow(/ADMIN_PORT/);
  });
});
