import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface FailureThrottleSettings {
  /** AUTH_FAILURES_MAX: failed attempts allowed per client address in the window. */
  max: number;
  /** AUTH_FAILURES_WINDOW_MS */
  windowMs: number;
}

/**
 * Failed authentications per client address (wrong dashboard credentials, a wrong Verification-Token),
 * counted by @fastify/rate-limit. Only failures count, so a busy dashboard or RingCentral's traffic
 * never trips it; an address that failed `max` times in the window gets 429 with `Retry-After` until
 * the window ends. Client addresses are what fastify sees (`request.ip`): behind a proxy, that is the
 * proxy unless fastify is told to trust it. Counted per process (a few processes multiply the budget).
 */
export async function createFailureThrottle(scope: FastifyInstance, settings: FailureThrottleSettings) {
  if (!scope.hasDecorator('createRateLimit')) await scope.register(fastifyRateLimit, { global: false });
  const limit = scope.createRateLimit({
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: (request) => request.ip,
  });

  return {
    /** Answers 429 (and returns true) when this address has used up its failures. Counts nothing. */
    async refused(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
      const state = await limit(request, { increment: false });
      if (state.isAllowed || state.remaining > 0) return false;
      await reply
        .code(429)
        .header('Retry-After', String(Math.max(1, state.ttlInSeconds)))
        .send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: `Too many failed attempts from this address; try again in ${Math.max(1, state.ttlInSeconds)} s`,
        });
      return true;
    },
    /** Count one failed attempt of this address. */
    async failed(request: FastifyRequest): Promise<void> {
      await limit(request);
    },
  };
}

export type FailureThrottle = Awaited<ReturnType<typeof createFailureThrottle>>;
