import type { FeatureFactory } from '../features.js';
import type { Services } from '../services.js';
import { CHECK_JOB, createReminderHandler, createSubscriptionKeeper } from './keeper.js';
import { createSubscriptionManager } from './manager.js';
import { createSubscriptionMetrics, type SubscriptionMetrics } from './metrics.js';
import { createSubscriptionStore, type SubscriptionSnapshot } from './state.js';

/**
 * The pieces every subscription user needs (the CLI commands, the keeper, tests), wired once.
 * `hooks` receive the keeper's repairs and snapshots (the feature feeds its metrics from them).
 */
export function subscriptionParts(services: Services, hooks: { metrics?: SubscriptionMetrics } = {}) {
  const { config, logger } = services;
  // The worker connection rides out a Redis restart; the lock and the bookkeeping live there.
  const store = createSubscriptionStore(services.workerRedis, services.keys);
  const manager = createSubscriptionManager({
    client: services.ringcentral,
    config,
    redis: services.workerRedis,
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
 * processes, run by the worker role), RingCentral's renewal reminder turned into an immediate check,
 * the state in `/health/ready`, and the gauges and counters on `/metrics`.
 */
export const subscriptionFeature: FeatureFactory = (services) => {
  const { config, logger } = services;
  const metrics = services.metrics ? createSubscriptionMetrics(services.metrics.registry) : undefined;
  const { keeper } = subscriptionParts(services, { metrics });
  // Readiness and scrapes read through the fail-fast producer connection.
  const reader = createSubscriptionStore(services.redis, services.keys);

  return {
    name: 'subscription',
    maintenance: { [CHECK_JOB]: { handler: keeper.handler, everyMs: config.subscription.checkIntervalMs } },
    readiness: async () => ({
      subscription: describe((await reader.read()).snapshot, config.webhook.publicUrl),
    }),
    onRenewalReminder: createReminderHandler({
      queues: services.queues,
      logger,
      ourSubscriptionId: async () => (await reader.read()).snapshot?.id,
    }),
    refreshMetrics: async () => metrics?.show((await reader.read()).snapshot),
  };
};

/** What `/health/ready` says; it never fails readiness on its own (notifications may be paused on purpose). */
function describe(snapshot: SubscriptionSnapshot | undefined, publicUrl: string | undefined) {
  if (!publicUrl) return { state: 'unmanaged', reason: 'PUBLIC_URL is not set' };
  if (!snapshot) return { state: 'unknown', reason: 'not checked yet' };
  return snapshot;
}
