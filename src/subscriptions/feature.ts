import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { FeatureFactory, Feature } from '../feature.js';
import type { Keys } from '../infra/keys.js';
import type { RingCentralRequests } from '../ringcentral/client.js';
import { CHECK_JOB, createReminderHandler, createSubscriptionKeeper } from './keeper.js';
import { createSubscriptionManager } from './manager.js';
import { createSubscriptionMetrics, type SubscriptionMetrics } from './metrics.js';
import { createSubscriptionStore, type SubscriptionSnapshot } from './state.js';

export interface SubscriptionDeps {
  config: Config;
  logger: Logger;
  /** The connection that rides out a Redis restart: the lock and the bookkeeping live there. */
  workerRedis: Redis;
  keys: Keys;
  ringcentral: RingCentralRequests;
}

/**
 * The pieces every subscription user needs (the CLI commands, the keeper, tests), wired once.
 * `hooks` receive the keeper's repairs and snapshots (the feature feeds its metrics from them).
 */
export function subscriptionParts(deps: SubscriptionDeps, hooks: { metrics?: SubscriptionMetrics } = {}) {
  const { config, logger } = deps;
  const store = createSubscriptionStore(deps.workerRedis, deps.keys);
  const manager = createSubscriptionManager({
    client: deps.ringcentral,
    config,
    redis: deps.workerRedis,
    store,
    logger,
  });
  const keeper = createSubscriptionKeeper({
    config,
    manager,
    store,
    logger,
    onRepair: (action) => hooks.metrics?.repaired(action),
    onSnapshot: (snapshot) => hooks.metrics?.show(snapshot),
  });
  return { store, manager, keeper };
}

/**
 * Keeps the webhook subscription alive: a scheduled `check-subscription` job (one owner across
 * processes, run by the roles that run the workers), RingCentral's renewal reminder turned into an
 * immediate check, the state in `/health/ready`, and the gauges and counters on `/metrics`.
 */
export const subscriptionFeature: FeatureFactory = (context) => {
  const { config, logger, ringcentral } = context;
  const metrics = createSubscriptionMetrics(context.metrics.registry);
  // Readiness and scrapes read through the fail-fast producer connection.
  const reader = createSubscriptionStore(context.redis, context.keys);

  const feature: Feature = {
    name: 'subscription',
    readiness: async () => ({
      subscription: describe((await reader.read()).snapshot, config.webhook.publicUrl),
    }),
    onRenewalReminder: createReminderHandler({
      queues: context.queues,
      logger,
      ourSubscriptionId: async () => (await reader.read()).snapshot?.id,
    }),
    refreshMetrics: async () => metrics.show((await reader.read()).snapshot),
  };
  // The keeper runs in the roles that run the workers; the api role only reads the state.
  if (config.role !== 'api') {
    const { keeper } = subscriptionParts({ ...context, ringcentral }, { metrics });
    feature.maintenance = [
      { name: CHECK_JOB, handler: keeper.handler, everyMs: config.subscription.checkIntervalMs },
    ];
  }
  return feature;
};

/**
 * What `/health/ready` says; it never fails readiness on its own (notifications may be paused on
 * purpose). Anyone can read it, so it carries no ids and no error text (RingCentral's own words may
 * name hosts and accounts): `rc-enrich subscriptions` shows those to the operator.
 */
function describe(snapshot: SubscriptionSnapshot | undefined, publicUrl: string | undefined) {
  if (!publicUrl) return { state: 'unmanaged', reason: 'PUBLIC_URL is not set' };
  if (!snapshot) return { state: 'unknown', reason: 'not checked yet' };
  const { state, expiresAt, checkedAt, lastAction, lastError } = snapshot;
  return {
    state,
    expiresAt,
    checkedAt,
    ...(lastAction
      ? {
          lastAction: {
            action: lastAction.action,
            at: lastAction.at,
            previousState: lastAction.previousState,
          },
        }
      : {}),
    lastCheckFailed: lastError !== undefined,
  };
}
