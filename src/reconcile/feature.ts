import type { FeatureFactory } from '../features.js';
import type { Services } from '../services.js';
import { createReconcileMetrics, type ReconcileMetrics } from './metrics.js';
import { RECONCILE_JOB, createReconciler } from './reconciler.js';
import { createRecovery } from './recover.js';
import { createReconcileStore, type ReconcileState } from './state.js';

/** The pieces reconcile and back-fill share, wired once (the feature, the CLI, tests). */
export function reconcileParts(services: Services, metrics?: ReconcileMetrics) {
  const { config, logger } = services;
  // The worker connection rides out a Redis restart: recoveries run right after one.
  const redis = services.workerRedis;
  const store = createReconcileStore(redis, services.keys);
  const recovery = createRecovery({
    adapters: config.crm.adapters,
    graceMs: config.reconcile.graceMs,
    callState: services.callState,
    journey: services.journey,
    ledger: services.ledger,
    deliveries: services.deliveries,
    queues: services.queues,
    accountId: () => services.account.resolve(),
    logger,
    onRecovered: (reason) => metrics?.recovered(reason),
  });
  const reconciler = createReconciler({
    config,
    redis,
    keys: services.keys,
    client: services.ringcentral,
    store,
    recovery,
    queues: services.queues,
    logger,
    metrics,
  });
  return { store, recovery, reconciler };
}

/**
 * No call lost: a scheduled `reconcile` job (one owner across processes, run by the worker role) reads
 * the Call Log and delivers what the notifications missed; its state in `/health/ready`, its metrics
 * on `/metrics`. `RECONCILE_INTERVAL_MS=0` turns it off (and removes the schedule).
 */
export const reconcileFeature: FeatureFactory = async (services) => {
  const { config } = services;
  const metrics = services.metrics ? createReconcileMetrics(services.metrics.registry) : undefined;
  const { reconciler, store } = reconcileParts(services, metrics);
  const intervalMs = config.reconcile.intervalMs;
  if (config.role !== 'api') {
    if (intervalMs === 0) await services.queues.maintenance.removeJobScheduler(RECONCILE_JOB);
    else await store.markEnabled();
  }
  // Readiness and scrapes read through the fail-fast producer connection.
  const reader = createReconcileStore(services.redis, services.keys);

  return {
    name: 'reconcile',
    maintenance: {
      [RECONCILE_JOB]: {
        handler: () => reconciler.run(),
        ...(intervalMs > 0 ? { everyMs: intervalMs } : {}),
      },
    },
    readiness: async () => ({ reconcile: describeReconcile(await reader.read(), intervalMs) }),
    refreshMetrics: async () => metrics?.show(await reader.read()),
  };
};

/** What `/health/ready` says about the reconciler; never fails readiness on its own. */
export function describeReconcile(state: ReconcileState, intervalMs: number, now = Date.now()) {
  if (intervalMs === 0) return { state: 'off' };
  if (state.lastRunAt === undefined) return { state: 'not run yet' };
  const lagSeconds = state.watermark === undefined ? undefined : Math.round((now - state.watermark) / 1000);
  const behind = lagSeconds === undefined || lagSeconds * 1000 > 3 * intervalMs;
  // A scan waiting for the budget is normal; more than three intervals behind is worth a look.
  const status = state.lastError ? 'failing' : !behind ? 'ok' : state.cursor ? 'catching up' : 'behind';
  return {
    state: status,
    ...(state.watermark !== undefined ? { watermark: new Date(state.watermark).toISOString() } : {}),
    ...(lagSeconds !== undefined ? { lagSeconds } : {}),
    ...(state.lastSuccessAt !== undefined
      ? { lastSuccessAt: new Date(state.lastSuccessAt).toISOString() }
      : {}),
    ...(state.lastScanned !== undefined ? { lastScanned: state.lastScanned } : {}),
    ...(state.lastRecovered !== undefined ? { lastRecovered: state.lastRecovered } : {}),
  };
}
