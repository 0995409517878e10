import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Story } from '../calls/story.js';
import { createFailureThrottle, type FailureThrottleSettings } from '../http/failure-throttle.js';
import { sameSecret } from '../infra/same-secret.js';
import type { Queues } from '../queues.js';
import { replayHooks } from './dashboard-hooks.js';
import { redactSecrets } from './redact.js';

export const dashboardPath = '/admin/queues';

export interface DashboardOptions {
  queues: Pick<Queues, 'enrich' | 'deliver' | 'maintenance'>;
  /** Dashboard retries of dead letters are noted in the call's story, like `rc-enrich dlq replay`. */
  story: Pick<Story, 'add'>;
  user: string;
  password: string;
  /** Browse only: Bull Board refuses every write endpoint with 405 and hides the buttons. */
  readOnly: boolean;
  /** Failed logins allowed per client address and window (AUTH_FAILURES_*). */
  failures: FailureThrottleSettings;
}

/**
 * Bull Board over every queue at /admin/queues, behind HTTP basic auth. Everything lives in one
 * encapsulated context with that prefix, so the auth hook covers the dashboard and nothing else.
 */
export function dashboardPlugin({ queues, story, user, password, readOnly, failures }: DashboardOptions) {
  const serverAdapter = new FastifyAdapter().setBasePath(dashboardPath);
  const adapters = [queues.enrich, queues.deliver, queues.maintenance].map((queue) => {
    const adapter = new BullMQAdapter(queue, { readOnlyMode: readOnly, allowRetries: !readOnly });
    // Job data carries call records, not credentials; redact anything secret-looking all the same.
    adapter.setFormatter('data', redactSecrets);
    adapter.setFormatter('returnValue', redactSecrets);
    return adapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'rc-enrich', hideDocsLink: true },
      ...(readOnly ? {} : { handlerHooks: replayHooks({ queues, story }) }),
    },
  });

  return async (app: FastifyInstance) => {
    await app.register(
      async (scope) => {
        // Anti-framing (clickjacking), no MIME sniffing, no referrer, and a CSP that fits Bull Board's
        // page (its own scripts and styles, some inline). Only in this scope: the API answers JSON.
        await scope.register(fastifyHelmet, {
          contentSecurityPolicy: {
            useDefaults: false,
            directives: {
              defaultSrc: ["'self'"],
              scriptSrc: ["'self'", "'unsafe-inline'"],
              styleSrc: ["'self'", "'unsafe-inline'"],
              imgSrc: ["'self'", 'data:'],
              fontSrc: ["'self'", 'data:'],
              connectSrc: ["'self'"],
              objectSrc: ["'none'"],
              baseUri: ["'self'"],
              formAction: ["'self'"],
              frameAncestors: ["'none'"],
            },
          },
          frameguard: { action: 'deny' },
          referrerPolicy: { policy: 'no-referrer' },
        });
        const throttle = await createFailureThrottle(scope, failures);
        await scope.register(fastifyBasicAuth, {
          authenticate: { realm: 'rc-enrich' },
          async validate(givenUser, givenPassword) {
            if (!credentialsMatch(givenUser, givenPassword, user, password)) throw new Error('Unauthorized');
          },
        });
        // The recipe's form: answer 401 here rather than through Bull Board's error handler. An address
        // that failed too often is refused before its credentials are even looked at.
        scope.addHook('onRequest', async (request, reply) => {
          if (await throttle.refused(request, reply)) return reply;
          const failed = await new Promise<boolean>((resolve) =>
            scope.basicAuth(request, reply, (err?: Error) => resolve(Boolean(err))),
          );
          if (!failed) return;
          // A request with no credentials at all is the browser asking for the login prompt, not a guess.
          if (request.headers.authorization !== undefined) await throttle.failed(request);
          return reply
            .code(401)
            .header('WWW-Authenticate', 'Basic realm="rc-enrich"')
            .send({ statusCode: 401, error: 'Unauthorized', message: 'Dashboard credentials required' });
        });
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: dashboardPath },
    );
  };
}

/** Constant-time on both fields, and both are always compared, so timing tells nothing about either. */
export function credentialsMatch(
  user: string,
  password: string,
  expectedUser: string,
  expectedPassword: string,
) {
  const userOk = sameSecret(user, expectedUser);
  const passwordOk = sameSecret(password, expectedPassword);
  return userOk && passwordOk;
}
