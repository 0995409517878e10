import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { withTimeout } from '../infra/timeout.js';
import type { CredentialsStatus } from '../ringcentral/credentials-check.js';

export interface HealthOptions {
  redis: Redis;
  /** Absent when this process runs no workers (ROLE=api). */
  workersRunning?: () => boolean;
  /** Absent when this process does not work with RingCentral (ROLE=api). */
  ringcentral?: () => CredentialsStatus;
  /** Extra readiness facts (e.g. the webhook subscription's state); never fail readiness on their own. */
  details?: () => Promise<Record<string, unknown>>;
}

/**
 * /health/live says the process is up; /health/ready says it can do its job: Redis reachable, workers
 * running, and RingCentral has accepted our credentials.
 */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions) {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_request, reply) => {
    const checks: Record<string, unknown> = {};
    let ready = true;
    try {
      await withTimeout(options.redis.ping(), 1_000);
      checks.redis = 'ok';
    } catch {
      // No error text: this route answers anyone, and the text can name hosts (the logs have it).
      ready = false;
      checks.redis = 'unreachable';
    }
    if (options.workersRunning) {
      const running = options.workersRunning();
      checks.workers = running ? 'running' : 'stopped';
      ready &&= running;
    }
    if (options.ringcentral) {
      const status = options.ringcentral();
      checks.ringcentral = status.state === 'accepted' ? 'credentials accepted' : status.reason;
      ready &&= status.state === 'accepted';
    }
    if (options.details) {
      try {
        Object.assign(checks, await withTimeout(options.details(), 1_000));
      } catch {
        checks.details = 'unavailable';
      }
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
}
