import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../infra/metrics.js';

/** GET /metrics in the Prometheus text format. Values that live in Redis are refreshed on scrape. */
export function metricsRoute(metrics: Metrics, refresh?: () => Promise<void>) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', async (_request, reply) => {
      await refresh?.().catch((err) => app.log.warn({ err }, 'metrics refresh failed'));
      return reply
        .header('Content-Type', metrics.registry.contentType)
        .send(await metrics.registry.metrics());
    });
  };
}
