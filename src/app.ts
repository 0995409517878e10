import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { STATUS_CODES } from 'node:http';
import { serializerCompiler, validatorCompiler } from '@fastify/type-provider-zod';
import type { Logger } from 'pino';
import { healthRoutes, type HealthOptions } from './http/health.js';
import { createLogThrottle } from './infra/log-safety.js';
import { webhookRoutes, type WebhookRouteOptions } from './webhook/route.js';

export interface AppOptions {
  settings: { bodyLimit: number };
  logger: Logger;
  health: HealthOptions;
  /** The webhook route's dependencies; absent in the worker role, which receives no webhooks. */
  webhook?: WebhookRouteOptions;
  /** Admin routes (dashboard, metrics) registered by their own plugins. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

/**
 * Builds the HTTP app without listening: tests inject requests, main.ts owns listen and shutdown.
 * Stages: framework settings, then routes by role.
 */
export async function buildApp({
  settings,
  logger,
  health,
  webhook,
  plugins = [],
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Behind no proxy, a slow client must not hold a socket forever (fastify's docs recommend non-zero).
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    bodyLimit: settings.bodyLimit,
    logController: new LogController({
      disableRequestLogging: (request) => request.url.startsWith('/health') || request.url === '/metrics',
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // A Redis outage fails every request the same way: one line per kind of failure per 30 s is enough.
  const throttle = createLogThrottle();
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      throttle(`${status}:${error.code ?? error.name}`, (suppressed) =>
        request.log.error({ err: error, similarSinceLastLine: suppressed }, 'request failed'),
      );
      // Redis down or similar: say so plainly; the sender may retry.
      return reply.code(503).send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'Temporarily unable to accept the request',
      });
    }
    const message = error.validation ? `Invalid notification: ${error.message}` : error.message;
    return reply
      .code(status)
      .send({ statusCode: status, error: STATUS_CODES[status], code: error.code, message });
  });

  await app.register(healthRoutes, health);
  if (webhook) await app.register(webhookRoutes, webhook);
  for (const plugin of plugins) await app.register(plugin);
  await app.ready();
  return app;
}
