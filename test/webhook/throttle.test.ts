import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';

let service: RunningService;
let app: FastifyInstance;

beforeEach(async () => {
  const config = testConfig({ ROLE: 'api', AUTH_FAILURES_MAX: '3', AUTH_FAILURES_WINDOW_MS: '60000' });
  service = await startService(config, createLogger('silent'), { features: [] });
  app = service.app;
});
afterEach(async () => {
  await service.close();
  await cleanupPrefix(service.config.queuePrefix);
});

const post = (token: string, remoteAddress = '203.0.113.7') =>
  app.inject({
    method: 'POST',
    url: '/webhooks/ringcentral',
    remoteAddress,
    headers: { 'content-type': 'application/json', 'verification-token': token },
    payload: JSON.stringify(
      telephonyNotification({
        telephonySessionId: newTelephonySessionId(),
        sequence: 2,
        party: { id: 'p-1', status: 'Setup' },
      }),
    ),
  });

describe('webhook › wrong verification tokens', () => {
  it('an address that sent AUTH_FAILURES_MAX wrong tokens gets 429; the right token still passes', async () => {
    for (let i = 0; i < 3; i++) expect((await post(`guess-${i}`)).statusCode).toBe(403);
    const throttled = await post('guess-again');
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // RingCentral may share the address (a proxy): its notifications are never refused.
    expect((await post('test-verification-token')).statusCode).toBe(200);
    expect((await post('guess-elsewhere', '198.51.100.9')).statusCode).toBe(403);
    const metrics = await service.metrics.registry.getSingleMetricAsString(
      'rc_enrich_webhook_requests_total',
    );
    expect(metrics).toContain('outcome="throttled"} 1');
  });
});
