import type { SDK } from '@ringcentral/sdk';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ErrorCode, LoginError, RetryableError } from '../errors.js';
import type { Keys } from '../infra/keys.js';
import type { Metrics } from '../infra/metrics.js';
import { runExclusive } from '../infra/redis-lock.js';
import type { Budget } from './budget.js';
import { classifyRingCentralError, statusOf } from './classify.js';

interface Deps {
  platform: ReturnType<SDK['platform']>;
  redis: Redis;
  keys: Keys;
  config: Config['ringcentral'];
  logger: Logger;
  metrics: Metrics;
  /** The Auth group's budget: a login is a request like any other, and a refused one stops the next. */
  budget: Budget;
}

/** Errors the login threw: the request that triggered it must not count them as its own group's. */
const loginFailures = new WeakSet<object>();
export const isLoginFailure = (err: unknown) =>
  typeof err === 'object' && err !== null && loginFailures.has(err);

/**
 * The SDK's `ensureLoggedIn`, replaced: when the shared token (in Redis) is missing or near expiry, one
 * process logs in with the JWT while the others wait for its token (RingCentral: "perform OAuth
 * authentication in a single thread, then store and share tokens"). Within a process, one promise.
 */
export function createSharedLogin({ platform, redis, keys, config: rc, logger, metrics, budget }: Deps) {
  let inFlight: Promise<void> | null = null;
  const valid = () => platform.auth().accessTokenValid();

  /** One process logs in; the others wait for it and use the token it stored. */
  function loginOnce(): Promise<void> {
    const options = {
      ttlMs: 15_000,
      waitMs: 30_000,
      reuse: async () => ((await valid()) ? { value: undefined } : undefined),
      onTimeout: () => {
        throw new RetryableError('RingCentral login did not finish in 30 s', ErrorCode.Unavailable);
      },
    };
    return runExclusive(redis, keys.loginLock(), options, async () => {
      if (!(await valid())) await login();
    });
  }

  async function login(): Promise<void> {
    if (!rc.jwt || !rc.clientId)
      throw new LoginError('RINGCENTRAL_CLIENT_ID and RINGCENTRAL_JWT are required');
    // After a refused login RingCentral restarts its penalty on every attempt: none until it is over.
    const waitMs = await budget.acquire('due', 'login');
    if (waitMs > 0) throw new RetryableError('RingCentral Auth budget spent', ErrorCode.RateLimited, waitMs);
    try {
      const response = await platform.login({ jwt: rc.jwt });
      await budget.observe(response.headers);
      metrics.ringcentralRequests.inc({ group: 'Auth', status: '200' });
      logger.info('logged in to RingCentral');
    } catch (err) {
      metrics.ringcentralRequests.inc({ group: 'Auth', status: statusOf(err) });
      const response = (err as { response?: Response }).response;
      if (response) await budget.observe(response.headers);
      const classified = await classifyRingCentralError(
        err,
        'RingCentral login',
        rc.heavy.defaultRetryAfterMs,
      );
      if (classified instanceof RetryableError && classified.code === ErrorCode.RateLimited) {
        metrics.ringcentralRateLimited.inc({ group: 'Auth' });
        logger.warn({ group: 'Auth', retryAfterMs: classified.retryAfterMs }, 'RingCentral rate limit hit');
        await budget.penalize(classified.retryAfterMs);
      }
      if (classified instanceof RetryableError) throw classified;
      throw new LoginError(
        `${classified.message} (check RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT)`,
        { cause: err },
      );
    }
  }

  return async (): Promise<null> => {
    if (await valid()) return null;
    inFlight ??= loginOnce()
      .catch((err: unknown) => {
        if (typeof err === 'object' && err !== null) loginFailures.add(err);
        throw err;
      })
      .finally(() => {
        inFlight = null;
      });
    await inFlight;
    return null;
  };
}
