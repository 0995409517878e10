import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsRoute } from '../../src/http/metrics-route.js';
import { createLogger } from '../../src/infra/logger.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { testConfig } from '../helpers/config.js';
import { startOwnRedis } from '../helpers/own-redis.js';

describe('/metrics › concurrent scrapes', () => {
  it('share one refresh of the Redis-held values', async () => {
    let refreshes = 0;
    const app = Fastify();
    await app.register(
      metricsRoute(createMetrics({ defaultMetrics: false }), async () => {
        refreshes++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }),
    );
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/metrics' })));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect(refreshes).toBe(1);
    await app.close();
  });

  it('a refresh that never ends fails the scrape with 503 in time, instead of hanging', async () => {
    const app = Fastify();
    await app.register(
      metricsRoute(createMetrics({ defaultMetrics: false }), () => new Promise<void>(() => undefined), 200),
    );
    const started = Date.now();
    const answer = await app.inject({ url: '/metrics' });
    expect(answer.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000);
    await app.close();
  });
});

describe('operator routes › Redis down', () => {
  let service: RunningService | undefined;
  let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
  afterEach(async () => {
    // Redis back first, so the service closes its connections cleanly.
    await redis?.start();
    await service?.close();
    await redis?.close();
    service = redis = undefined;
  });

  it('/metrics and /health/ready answer within seconds, and readiness shows no error text', async () => {
    redis = await startOwnRedis();
    service = await startService(testConfig({ REDIS_URL: redis.url, ROLE: 'api' }), createLogger('silent'));
    expect((await service.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    await redis.stop();

    const started = Date.now();
    const [metrics, ready] = await Promise.all([
      service.app.inject({ url: '/metrics' }),
      service.app.inject({ url: '/health/ready' }),
    ]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect([200, 503]).toContain(metrics.statusCode);
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis).toBe('unreachable');
    expect(ready.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Connection|Stream/);
  });
});
