import { SDK, type SendOptions } from '@ringcentral/sdk';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ErrorCode, PermanentError, ReauthenticateError, RetryableError } from '../errors.js';
import type { Keys } from '../infra/keys.js';
import type { Metrics } from '../infra/metrics.js';
import { capRetryAfter } from '../infra/retry-after-cap.js';
import { withTimeout } from '../infra/timeout.js';
import { createBudgets, type ApiGroup, type RequestPriority } from './budget.js';
import { classifyRingCentralError, statusOf } from './classify.js';
import { createSharedLogin, isLoginFailure } from './shared-login.js';
import { createRedisTokenStore } from './token-store.js';
import { createTrustedHosts } from './trusted-hosts.js';

export interface RingCentralRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path under the server (`/restapi/v1.0/...`) or an absolute URL on a trusted RingCentral host. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  group: ApiGroup;
  /** How urgent the request is within its group's budget; 'lookup' when unsaid. */
  priority?: RequestPriority;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 3;

export interface RingCentralResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

interface Deps {
  config: Config['ringcentral'];
  redis: Redis;
  keys: Keys;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The one way rc-enrich talks to RingCentral: the real SDK with the JWT grant, a token shared by all
 * processes through Redis, logins single-flight across processes, the Heavy budget enforced before
 * sending, and every failure classified once (see classify.ts).
 */
export function createRingCentralClient({ config: rc, redis, keys, logger, metrics }: Deps) {
  const trusted = createTrustedHosts(rc.serverUrl, rc.trustedHosts);
  const sdk = withoutGlobalLocalStorage(
    () =>
      new SDK({
        server: rc.serverUrl,
        clientId: rc.clientId ?? '',
        clientSecret: rc.clientSecret ?? '',
        appName: 'rc-enrich',
        appVersion: '0.1.0',
        // The SDK only calls the async getItem/setItem/removeItem/keys subset of Storage.
        localStorage: createRedisTokenStore(redis, keys) as unknown as Storage,
        // We pace requests ourselves; the SDK's own 429 handling would sleep inside a job and retry blindly.
        handleRateLimit: false,
        // Log in again five minutes before expiry rather than racing the deadline.
        refreshHandicapMs: 5 * 60 * 1000,
      }),
  );
  const platform = sdk.platform();
  const budgets = createBudgets(redis, keys, rc.heavy);

  // The SDK's auto-refresh is per process and can wipe a token other processes share: replaced by a
  // JWT login that one process at a time performs for all, inside the Auth budget (see shared-login.ts).
  platform.ensureLoggedIn = createSharedLogin({
    platform,
    redis,
    keys,
    config: rc,
    logger,
    metrics,
    budget: budgets.Auth,
  });

  /** Sends one request within its group's budget; answers the raw response, or throws it classified. */
  async function exchange(req: RingCentralRequest): Promise<Response> {
    const url = trusted.assert(req.path);
    // Log in first, outside this group's budget: a refused login is the Auth group's, counted there.
    await platform.ensureLoggedIn();
    const budget = budgets[req.group];
    // Every job waiting for the same request (one listing of an account) keeps one place in line.
    const waitMs = await budget.acquire(req.priority ?? 'lookup', `${req.method ?? 'GET'} ${req.path}`);
    if (waitMs > 0) {
      throw new RetryableError(`RingCentral ${req.group} budget spent`, ErrorCode.RateLimited, waitMs);
    }
    const context = `RingCentral ${req.method ?? 'GET'} ${req.path}`;
    try {
      const response = await withTimeout(
        sendFollowingTrustedRedirects(req, url),
        rc.requestTimeoutMs,
        () => new RetryableError(`${context}: no answer in ${rc.requestTimeoutMs} ms`, ErrorCode.Network),
      );
      metrics.ringcentralRequests.inc({ group: req.group, status: String(response.status) });
      await budget.observe(response.headers);
      return response;
    } catch (err) {
      // A login the SDK started inside send() (the token lapsed just now) was counted as Auth already.
      if (isLoginFailure(err)) throw err;
      metrics.ringcentralRequests.inc({ group: req.group, status: statusOf(err) });
      const classified = capped(
        await classifyRingCentralError(err, context, rc.heavy.defaultRetryAfterMs),
        req.group,
      );
      const response = (err as { response?: Response }).response;
      if (response) await budget.observe(response.headers);
      if (classified instanceof RetryableError && classified.code === ErrorCode.RateLimited) {
        metrics.ringcentralRateLimited.inc({ group: req.group });
        logger.warn(
          { group: req.group, retryAfterMs: classified.retryAfterMs },
          'RingCentral rate limit hit',
        );
        await budget.penalize(classified.retryAfterMs);
      }
      // RingCentral no longer takes the shared token (revoked, or the app's session ended): drop it, so
      // the next request logs in again instead of every process sending it until it expires.
      if (classified instanceof ReauthenticateError) await platform.auth().cancelAccessToken();
      throw classified;
    }
  }

  /** A Retry-After longer than RC_MAX_RETRY_AFTER_MS is shortened to it, with a log line and a count. */
  function capped(error: Error, group: ApiGroup): Error {
    if (!(error instanceof RetryableError) || error.retryAfterMs === undefined) return error;
    const { ms, askedMs } = capRetryAfter(error.retryAfterMs, rc.heavy.maxRetryAfterMs);
    if (askedMs === undefined) return error;
    metrics.retryAfterCapped.inc({ target: 'ringcentral' });
    logger.warn(
      { group, retryAfterMs: askedMs, cappedToMs: ms },
      'RingCentral asked to wait longer than RC_MAX_RETRY_AFTER_MS: waiting the cap instead',
    );
    return new RetryableError(error.message, error.code, ms, { cause: error.cause });
  }

  /**
   * fetch would follow a redirect on its own, to any host, and the trusted-host check would never see
   * it. Redirects are followed here instead, each target checked like the first URL (a few hops at most).
   */
  async function sendFollowingTrustedRedirects(
    req: RingCentralRequest,
    url: string,
    hops = 0,
  ): Promise<Response> {
    const options: SendOptions & Pick<RequestInit, 'redirect'> = {
      method: req.method ?? 'GET',
      url,
      query: hops === 0 ? req.query : undefined,
      body: req.body,
      redirect: 'manual',
    };
    try {
      return await platform.send(options);
    } catch (err) {
      const response = (err as { response?: Response }).response;
      if (!response || !redirectStatuses.has(response.status)) throw err;
      const location = response.headers.get('location');
      if (!location || hops >= maxRedirects) {
        throw new PermanentError(
          `RingCentral ${req.path}: a redirect ${location ? 'chain too long' : 'without a Location'}; not followed`,
          ErrorCode.UntrustedHost,
        );
      }
      const base = url.startsWith('/') ? `${rc.serverUrl}${url}` : url;
      return sendFollowingTrustedRedirects(req, trusted.assert(new URL(location, base).toString()), hops + 1);
    }
  }

  async function request<T>(req: RingCentralRequest): Promise<RingCentralResponse<T>> {
    const response = await exchange(req);
    const text = await response.text();
    return {
      status: response.status,
      data: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
    };
  }

  /** A binary resource (recording audio), read whole: recordings are a few MB at most. */
  async function download(req: RingCentralRequest): Promise<{ bytes: Buffer; contentType: string }> {
    const response = await exchange(req);
    return {
      bytes: Buffer.from(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  return {
    request,
    download,
    budget: (group: ApiGroup) => budgets[group],
    budgets,
    trustedHosts: trusted.hosts,
    /** Log in now (CLI commands use this to fail fast with a clear message). */
    ensureLoggedIn: () => platform.ensureLoggedIn(),
    platform,
  };
}

export type RingCentralClient = ReturnType<typeof createRingCentralClient>;

/** What most parts use of the client: requests and downloads, through the budgets. */
export type RingCentralRequests = Pick<RingCentralClient, 'request' | 'download'>;

/** The client built on its first request: a process that may never call RingCentral does not build the SDK. */
export function onFirstRequest(make: () => RingCentralClient): RingCentralRequests {
  let client: RingCentralClient | undefined;
  const get = () => (client ??= make());
  return {
    request: <T>(req: RingCentralRequest) => get().request<T>(req),
    download: (req: RingCentralRequest) => get().download(req),
  };
}

/**
 * Node 25+ has a global `localStorage` that prints an ExperimentalWarning when read without
 * --localstorage-file. The SDK reads that global while constructing, even when given its own store,
 * so every CLI command on the production Node would print the warning. Hide it for that moment only.
 */
function withoutGlobalLocalStorage<T>(make: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  if (!descriptor?.configurable) return make();
  Object.defineProperty(globalThis, 'localStorage', { value: undefined, configurable: true, writable: true });
  try {
    return make();
  } finally {
    Object.defineProperty(globalThis, 'localStorage', descriptor);
  }
}
