import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { credentialsMatch } from '../../src/monitoring/dashboard.js';
import { monitoringFeature } from '../../src/monitoring/feature.js';
import { redactSecrets } from '../../src/monitoring/redact.js';
import { enrichJobId } from '../../src/queues.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';
import { newTelephonySessionId } from '../helpers/notifications.js';
import { failedJob } from './helpers.js';

const password = 'correct horse battery staple';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

let service: RunningService | undefined;

async function start(env: Record<string, string> = {}) {
  const config = testConfig({ ROLE: 'api', ADMIN_PASSWORD: password, ...env });
  service = await startService(config, createLogger('silent'), { features: [monitoringFeature] });
  return { app: service.app, services: service.services };
}

afterEach(async () => {
  await service?.close();
  if (service) await cleanupPrefix(service.config.queuePrefix);
  service = undefined;
});

describe('dashboard › basic auth', () => {
  it('answers 401 with a Basic challenge without credentials, on the page and on its API', async () => {
    const { app } = await start();
    for (const url of [
      '/admin/queues',
      '/admin/queues/',
      '/admin/queues/api/queues',
      '/admin/queues/static/x.js',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="rc-enrich"/);
      expect(response.body).not.toContain('enrich');
    }
  });

  it('answers 401 to a wrong password, a wrong user, and a malformed header', async () => {
    const { app } = await start();
    for (const authorization of [
      basic('admin', 'wrong'),
      basic('root', password),
      basic('admin', `${password}x`),
      'Bearer abc',
      'Basic !!!',
    ]) {
      const response = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
    }
  });

  it('serves the UI and the three queues with the right credentials (ADMIN_USER honoured)', async () => {
    const { app } = await start({ ADMIN_USER: 'ops' });
    const authorization = basic('ops', password);
    const page = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<base href="/admin/queues/"');
    const api = await app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { authorization },
    });
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: Array<{ name: string }> }).queues.map((queue) => queue.name);
    expect(names.sort()).toEqual(['deliver', 'enrich', 'maintenance']);
  });

  it('covers only /admin/queues: health and metrics still answer without credentials', async () => {
    const { app } = await start();
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/queuesx' })).statusCode).toBe(404);
  });

  it('compares user and password in constant time, both always', () => {
    expect(credentialsMatch('admin', 'pw', 'admin', 'pw')).toBe(true);
    expect(credentialsMatch('admin', 'pw', 'admin', 'pw2')).toBe(false);
    expect(credentialsMatch('admin2', 'pw', 'admin', 'pw')).toBe(false);
    expect(credentialsMatch('', '', 'admin', 'pw')).toBe(false);
  });
});

describe('dashboard › switched off', () => {
  it('is not mounted without ADMIN_PASSWORD', async () => {
    const { app } = await start({ ADMIN_PASSWORD: '' });
    const response = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic('admin', '') },
    });
    expect(response.statusCode).toBe(404);
  });

  it('is not mounted on ROLE=worker (workers serve only /health and /metrics)', async () => {
    const { app } = await start({ ROLE: 'worker' });
    const response = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic('admin', password) },
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('dashboard › retry is a replay', () => {
  it('gives a retried enrich dead letter replayedAt and notes the replay in the story', async () => {
    const { app, services } = await start();
    const tsid = newTelephonySessionId();
    const id = enrichJobId(tsid);
    await failedJob(
      services.queues.enrich,
      services.workerRedis,
      { telephonySessionId: tsid, accountId: 'a' },
      id,
    );
    const before = Date.now();
    const response = await app.inject({
      method: 'PUT',
      url: `/admin/queues/api/queues/enrich/${id}/retry`,
      headers: { authorization: basic('admin', password) },
    });
    expect(response.statusCode).toBe(204);
    const job = await services.queues.enrich.getJob(id);
    expect(job?.data.replayedAt).toBeGreaterThanOrEqual(before);
    expect(await job?.getState()).toBe('waiting');
    expect(await services.story.list(tsid)).toMatchObject([
      { step: 'replay', queue: 'enrich', jobId: id, via: 'dashboard' },
    ]);
  });
});

describe('dashboard › read-only mode', () => {
  it('refuses retries with 405 under ADMIN_READ_ONLY=true and leaves the dead letter alone', async () => {
    const { app, services } = await start({ ADMIN_READ_ONLY: 'true' });
    const tsid = newTelephonySessionId();
    const id = enrichJobId(tsid);
    await failedJob(
      services.queues.enrich,
      services.workerRedis,
      { telephonySessionId: tsid, accountId: 'a' },
      id,
    );
    const authorization = basic('admin', password);
    for (const url of [
      `/admin/queues/api/queues/enrich/retry/failed`,
      `/admin/queues/api/queues/enrich/${id}/retry`,
    ]) {
      const response = await app.inject({ method: 'PUT', url, headers: { authorization } });
      expect(response.statusCode, url).toBe(405);
    }
    expect(await services.queues.enrich.getJobState(id)).toBe('failed');
    expect((await services.queues.enrich.getJob(id))?.data.replayedAt).toBeUndefined();
    expect(await services.story.list(tsid)).toEqual([]);
    const queues = await app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { authorization },
    });
    const listed = (queues.json() as { queues: Array<{ readOnlyMode: boolean }> }).queues;
    expect(listed.every((queue) => queue.readOnlyMode)).toBe(true);
  });
});

describe('dashboard › job data formatter', () => {
  it('redacts secret-looking fields and URL tokens, keeps call data', () => {
    const data = {
      adapter: 'webhook',
      idempotencyKey: 'acct-1:s-1',
      call: {
        telephonySessionId: 's-1',
        records: [
          { id: 'r1', recording: { contentUri: 'https://media.example/rec/1?access_token=abc&x=1' } },
        ],
        headers: { Authorization: 'Bearer abc' },
        clientSecret: 'shh',
      },
    };
    expect(redactSecrets(data)).toEqual({
      adapter: 'webhook',
      idempotencyKey: 'acct-1:s-1',
      call: {
        telephonySessionId: 's-1',
        records: [
          { id: 'r1', recording: { contentUri: 'https://media.example/rec/1?access_token=[redacted]&x=1' } },
        ],
        headers: { Authorization: '[redacted]' },
        clientSecret: '[redacted]',
      },
    });
  });
});

describe('dashboard › guessing', () => {
  it('refuses an address with 429 after AUTH_FAILURES_MAX wrong passwords, even with the right one; others still get in', async () => {
    const { app } = await start({ AUTH_FAILURES_MAX: '3', AUTH_FAILURES_WINDOW_MS: '60000' });
    const attempt = (pass: string, remoteAddress = '203.0.113.7') =>
      app.inject({
        url: '/admin/queues/api/queues',
        remoteAddress,
        headers: { authorization: basic('admin', pass) },
      });
    // Asking without credentials (the browser's first request) is not a failed guess.
    for (let i = 0; i < 5; i++)
      expect((await app.inject({ url: '/admin/queues', remoteAddress: '203.0.113.7' })).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await attempt(`guess-${i}`)).statusCode).toBe(401);
    const refused = await attempt(password);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(password, '198.51.100.9')).statusCode).toBe(200);
  });

  it('sends anti-framing and other security headers on the dashboard', async () => {
    const { app } = await start();
    const page = await app.inject({
      url: '/admin/queues',
      headers: { authorization: basic('admin', password) },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('a short ADMIN_PASSWORD stops the start with a message naming it', () => {
    expect(() => testConfig({ ADMIN_PASSWORD: 'hunter2' })).toThrow(
      /ADMIN_PASSWORD must be at least 12 characters/,
    );
  });
});
