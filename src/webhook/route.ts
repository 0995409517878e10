import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from '@fastify/type-provider-zod';
import type { CallIntake } from '../calls/intake.js';
import { createFailureThrottle, type FailureThrottleSettings } from '../http/failure-throttle.js';
import type { Metrics } from '../infra/metrics.js';
import {
  describeIssues,
  isSubscriptionReminder,
  isTelephonySessionEvent,
  notificationSchema,
  telephonySessionBodySchema,
  type Notification,
} from '../ringcentral/notification.js';
import { WEBHOOK_PATH } from './path.js';
import { createTokenVerifier } from './verify.js';

export interface WebhookRouteOptions {
  verificationToken: string;
  bodyLimit: number;
  intake: CallIntake;
  metrics: Metrics;
  /**
   * Whether Redis can take the notification now. While it cannot, notifications are answered 200
   * `unrecorded` instead of 503: RingCentral never redelivers, and suspends endpoints that keep failing,
   * so a refusal gains nothing and risks every later call; the reconciler recovers these calls from the
   * Call Log once Redis is back.
   */
  redisReachable?: () => boolean;
  /** Wrong Verification-Tokens allowed per client address and window (AUTH_FAILURES_*). */
  failures: FailureThrottleSettings;
  /** Called for RingCentral's subscription renewal reminders (see subscription keeper). */
  onRenewalReminder?: (notification: Notification) => Promise<void>;
}

/**
 * POST /webhooks/ringcentral: answer the handshake, refuse requests without our Verification-Token,
 * validate, record, acknowledge. Nothing on this path calls RingCentral or a CRM.
 */
export async function webhookRoutes(app: FastifyInstance, options: WebhookRouteOptions) {
  const verify = createTokenVerifier(options.verificationToken);
  const count = (outcome: string) => options.metrics.webhookRequests.inc({ outcome });

  // Requests refused by fastify itself (bad JSON, schema, body too large) or failing inside are counted
  // here; the app's error handler still writes the answer.
  app.setErrorHandler((error: FastifyError) => {
    count((error.statusCode ?? 500) >= 500 ? 'error' : 'invalid');
    throw error;
  });
  const throttle = await createFailureThrottle(app, options.failures);

  // onRequest runs before the body is read: the handshake (an empty body) is answered at once, and a
  // request without our token is refused before we spend anything parsing it.
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const validationToken = request.headers['validation-token'];
    if (typeof validationToken === 'string' && validationToken !== '') {
      count('handshake');
      return reply
        .code(200)
        .header('Validation-Token', validationToken)
        .header('Content-Type', 'application/json')
        .send();
    }
    const verdict = verify(request.headers['verification-token']);
    if (verdict !== 'ok') {
      // Only wrong tokens are throttled: RingCentral's requests carry the right one and always pass,
      // even when they share an address (a proxy) with someone guessing.
      if (await throttle.refused(request, reply)) {
        count('throttled');
        return reply;
      }
      await throttle.failed(request);
      count('unauthorized');
      const status = verdict === 'missing' ? 401 : 403;
      const message =
        verdict === 'missing' ? 'Missing Verification-Token header' : 'Verification-Token does not match';
      return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], message });
    }
  };

  app.withTypeProvider<ZodTypeProvider>().post(
    WEBHOOK_PATH,
    {
      bodyLimit: options.bodyLimit,
      onRequest: guard,
      schema: { body: notificationSchema },
      // Validation errors are counted here; the answer itself is the app's 400 error handler.
      attachValidation: false,
    },
    async (request, reply) => {
      const notification = request.body;
      if (isTelephonySessionEvent(notification.event)) {
        const parsed = telephonySessionBodySchema.safeParse(notification.body);
        if (!parsed.success) {
          count('invalid');
          return reply.code(400).send({
            statusCode: 400,
            error: 'Bad Request',
            message: `Invalid telephony-session notification: ${describeIssues(parsed.error, 'body')}`,
          });
        }
        let outcome;
        try {
          outcome = await options.intake.accept(notification, parsed.data);
        } catch (err) {
          if (options.redisReachable?.() !== false) throw err;
          count('unrecorded');
          request.log.warn(
            'Redis unreachable: notification not recorded; the reconciler will recover the call',
          );
          return reply.code(200).send({ status: 'unrecorded' });
        }
        count(outcome);
        return reply.code(200).send({ status: outcome });
      }
      if (isSubscriptionReminder(notification.event) && options.onRenewalReminder) {
        await options.onRenewalReminder(notification);
        count('reminder');
        return reply.code(200).send({ status: 'accepted' });
      }
      // Never fail a notification we did not ask for: RingCentral blacklists endpoints that error.
      count('ignored');
      return reply.code(200).send({ status: 'ignored' });
    },
  );
}
