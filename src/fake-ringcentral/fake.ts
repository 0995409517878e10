import { setMaxListeners } from 'node:events';
import { accountRoutes } from './api/account.js';
import { activeCallsRoutes } from './api/active-calls.js';
import { callLogRoutes } from './api/call-log.js';
import type { ApiContext } from './api/context.js';
import { recordingRoutes } from './api/recordings.js';
import { oauthRoutes } from './auth/routes.js';
import { createTokenStore } from './auth/tokens.js';
import { createEmitter } from './calls/emitter.js';
import { createCallRegistry, type FakeCalls } from './calls/registry.js';
import { createPipeline } from './http/pipeline.js';
import { createRouter } from './http/router.js';
import { createNotificationsApi, type FakeNotifications } from './notifications/api.js';
import { createDeliverer } from './notifications/deliverer.js';
import { createPoster } from './notifications/post.js';
import { createFaults } from './observe/faults.js';
import { createStats } from './observe/stats.js';
import { resolveOptions } from './options.js';
import { deriveRandom } from './random.js';
import { createRateLimiter } from './rate-limiter.js';
import { createHttpServer } from './server.js';
import { createSubscriptionAdmin, type FakeSubscriptions } from './subscriptions/admin.js';
import { subscriptionRoutes } from './subscriptions/routes.js';
import { createSubscriptionStore } from './subscriptions/store.js';
import type {
  DeliveryLogEntry,
  FailNextOptions,
  FakeRingCentralOptions,
  FakeStats,
  RequestLogEntry,
} from './types.js';

export interface FakeRingCentral {
  /** `http://<host>:<port>`, known after `listen()`. */
  readonly url: string;
  /** Base of recording `contentUri`s (= url, or `mediaHostname` on the same port). */
  readonly mediaUrl: string;
  readonly accountId: string;
  readonly ownerExtensionId: string;
  readonly credentials: { clientId: string; clientSecret: string; jwt: string };
  /** The seed in use (random when not given): pass it back to replay a run. */
  readonly seed: number;
  listen(port?: number, host?: string): Promise<string>;
  /** Closes the server and every connection, aborts pending `play` waits, stops deliveries. */
  close(): Promise<void>;
  readonly calls: FakeCalls;
  readonly subscriptions: FakeSubscriptions;
  readonly notifications: FakeNotifications;
  readonly faults: { failNext(options: FailNextOptions): void; setDown(down: boolean): void; clear(): void };
  /** `revokeAll()`: every issued token becomes unknown (401 OAU-213) — tests of re-login. */
  readonly auth: { revokeAll(): void };
  stats(): FakeStats;
  /** Empties counters, `requestLog` and `deliveryLog` (not the rate-limit windows). */
  resetStats(): void;
  resetRateLimits(): void;
  readonly requestLog: readonly RequestLogEntry[];
  readonly deliveryLog: readonly DeliveryLogEntry[];
}

export function createFakeRingCentral(input: FakeRingCentralOptions = {}): FakeRingCentral {
  const options = resolveOptions(input);
  const { now, logger } = options;
  const stats = createStats();
  const faults = createFaults();
  const tokens = createTokenStore({
    now,
    accessTtlSec: options.accessTokenTtlSec,
    refreshTtlSec: options.refreshTokenTtlSec,
  });
  const limiter = createRateLimiter(options.rateLimits, now);
  const poster = createPoster();
  const deliverer = createDeliverer({ poster, stats, logger, now, timeoutMs: options.deliveryTimeoutMs });
  const store = createSubscriptionStore(now);
  const lifetime = new AbortController();
  setMaxListeners(0, lifetime.signal); // every pending `play` pause listens to it; hundreds is normal
  // Lost notifications come from their own seeded stream, apart from the calls' ids and delays.
  const lossRandom = deriveRandom(options.seed, 0x7ffffffe);
  const emit = createEmitter({
    subscriptions: store,
    deliverer,
    now,
    ownerId: options.ownerExtensionId,
    drop: () => {
      if (options.notificationLoss === 0 || lossRandom() >= options.notificationLoss) return false;
      stats.recordDrop();
      return true;
    },
  });
  const registry = createCallRegistry({ options, emit, logger, signal: lifetime.signal });
  // Subscription ids and reminder uuids come from their own seeded stream, apart from the calls'.
  const subscriptionRandom = deriveRandom(options.seed, 0x7fffffff);

  let server: ReturnType<typeof createHttpServer> | undefined;
  const ctx: ApiContext = {
    options,
    calls: registry.states,
    baseUrl: () => http().url(),
    mediaBaseUrl: () => http().urlFor(options.mediaHostname),
  };
  const router = createRouter([
    ...oauthRoutes(options, tokens),
    ...subscriptionRoutes({ ctx, store, poster, random: subscriptionRandom }),
    ...activeCallsRoutes(ctx),
    ...callLogRoutes(ctx),
    ...recordingRoutes(ctx),
    ...accountRoutes(ctx),
  ]);
  const handle = createPipeline({
    router,
    tokens,
    limiter,
    faults,
    stats,
    logger,
    now,
    accountId: options.accountId,
    ownerExtensionId: options.ownerExtensionId,
    permissions: options.permissions,
  });
  const http = () => (server ??= createHttpServer(handle));

  return {
    get url() {
      return http().url();
    },
    get mediaUrl() {
      return ctx.mediaBaseUrl();
    },
    accountId: options.accountId,
    ownerExtensionId: options.ownerExtensionId,
    credentials: { clientId: options.clientId, clientSecret: options.clientSecret, jwt: options.jwt },
    seed: options.seed,
    listen: (port, host) => http().listen(port, host),
    async close() {
      lifetime.abort(new Error('fake RingCentral closed'));
      poster.close();
      await http().close();
    },
    calls: registry.calls,
    subscriptions: createSubscriptionAdmin({
      store,
      deliverer,
      random: subscriptionRandom,
      now,
      baseUrl: ctx.baseUrl,
    }),
    notifications: createNotificationsApi(store, deliverer),
    faults,
    auth: { revokeAll: tokens.revokeAll },
    stats: stats.snapshot,
    resetStats: stats.reset,
    resetRateLimits: limiter.reset,
    requestLog: stats.requestLog,
    deliveryLog: stats.deliveryLog,
  };
}
