import type { FastifyInstance } from 'fastify';
import { createLogThrottle } from '../infra/log-safety.js';
import type { Metrics } from '../infra/metrics.js';
import { withTimeout } from '../infra/timeout.js';

/** A scrape never waits longer than this for Redis: Prometheus's own default timeout is 10 s. */
export const scrapeTimeoutMs = 2_000;

/**
 * GET /metrics in the Prometheus text format. Values that live in Redis are refreshed on scrape, with
 * two guards: concurrent scrapes share one refresh and one rendering (a thousand scrapers cost one
 * set of Redis reads), and a Redis that does not answer makes the scrape fail in `scrapeTimeoutMs`
 * with 503 instead of hanging (the reads use fail-fast connections; the timeout covers a Redis that
 * accepts commands but never answers).
 */
export function metricsRoute(metrics: Metrics, refresh?: () => Promise<void>, timeoutMs = scrapeTimeoutMs) {
  return async (app: FastifyInstance) => {
    const throttle = createLogThrottle();
    let inFlight: Promise<string> | undefined;
    const render = async () => {
      await refresh?.().catch((err: unknown) =>
        throttle('refresh', (suppressed) =>
          app.log.warn({ err, similarSinceLastLine: suppressed }, 'metrics refresh failed'),
        ),
      );
      return metrics.registry.metrics();
    };
    const shared = () => {
      inFlight ??= withTimeout(render(), timeoutMs).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    };

    app.get('/metrics', async (_request, reply) => {
      let text: string;
      try {
        text = await shared();
      } catch {
        return reply.code(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: `metrics unavailable: Redis did not answer within ${timeoutMs} ms`,
        });
      }
      return reply.header('Content-Type', metrics.registry.contentType).send(text);
    });
  };
}
