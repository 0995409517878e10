import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDeliveredLedger } from '../deliver/ledger.js';
import { createDeliveryScheduler } from '../deliver/schedule.js';
import type { FeatureFactory } from '../feature.js';
import { createAccountIdentity } from '../ringcentral/account.js';
import type { RingCentralRequests } from '../ringcentral/client.js';
import type { Services } from '../services.js';
import { createReconcileMetrics, type ReconcileMetrics } from './metrics.js';
import { RECONCILE_JOB, createReconciler } from './reconciler.js';
import { createLookupRecovery } from './from-lookups.js';
import { createRecovery } from './recover.js';
import { createReconcileStore, type ReconcileState } from './state.js';

export interface ReconcileDeps {
  config: Config;
  logger: Logger;
  services: Pick<Services, 'redis' | 'workerRedis' | 'keys' | 'queues' | 'callState' | 'story'>;
  ringcentral: Pick<RingCentralRequests, 'request'>;
}

/** The pieces reconcile and back-fill share, wired once (the feature, the CLI, tests). */
export function reconcileParts(
  { config, logger, services, ringcentral }: ReconcileDeps,
  metrics?: ReconcileMetrics,
) {
  // The worker connection rides out a Redis restart: recoveries run right after one.
  const redis = services.workerRedis;
  const store = createReconcileStore(redis, services.keys);
  const account = createAccountIdentity({ redis: services.redis, keys: services.keys, ringcentral });
  const recovery = createRecovery({
    adapters: config.crm.adapters,
    graceMs: config.reconcile.graceMs,
    callState: services.callState,
    story: services.story,
    ledger: createDeliveredLedger(redis, services.keys, config.reconcile.horizonMs),
    deliveries: createDeliveryScheduler(services.queues, config),
    queues: services.queues,
    accountId: () => account.resolve(),
    logger,
    onRecovered: (reason) => metrics?.recovered(reason),
  });
  const reconciler = createReconciler({
    config,
    redis,
    keys: services.keys,
    client: ringcentral,
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
export const reconcileFeature: FeatureFactory = async (context) => {
  const { config, logger, ringcentral } = context;
  const metrics = createReconcileMetrics(context.metrics.registry);
  const { reconciler, store, recovery } = reconcileParts(
    { config, logger, services: context, ringcentral },
    metrics,
  );
  const intervalMs = config.reconcile.intervalMs;
  if (config.role !== 'api') {
    if (intervalMs === 0) await context.queues.maintenance.removeJobScheduler(RECONCILE_JOB);
    else await store.markEnabled();
  }
  const fromLookups = createLookupRecovery({
    recovery,
    queues: context.queues,
    graceMs: config.reconcile.graceMs,
    followUpMs: config.reconcile.graceMs + config.enrich.callLogDelayMs,
    logger,
  });
  // Readiness and scrapes read through the fail-fast producer connection.
  const reader = createReconcileStore(context.redis, context.keys);

  return {
    name: 'reconcile',
    maintenance: [
      {
        name: RECONCILE_JOB,
        handler: () => reconciler.run(),
        ...(intervalMs > 0 ? { everyMs: intervalMs } : {}),
      },
      fromLookups.recheckJob,
    ],
    // Lost calls found in the enrich lookups' Call Log pages (from-lookups.ts).
    ...(intervalMs > 0 ? { onCallLogRecords: fromLookups.onCallLogRecords } : {}),
    readiness: async () => ({ reconcile: describeReconcile(await reader.read(), intervalMs) }),
    refreshMetrics: async () => metrics.show(await reader.read()),
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
