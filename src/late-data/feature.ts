import type { FeatureFactory } from '../features.js';
import { createMetrics } from '../infra/metrics.js';
import { LATE_DATA_JOB, createLateDataWatcher } from './watcher.js';

/**
 * Late data becomes an update, not a duplicate: calls delivered before their recording (or their
 * RingCentral record) existed are watched, and what arrives later is sent to the same CRM record.
 */
export const lateDataFeature: FeatureFactory = (services) => {
  const { config } = services;
  const watcher = createLateDataWatcher({
    redis: services.workerRedis,
    keys: services.keys,
    queues: services.queues,
    ringcentral: services.ringcentral,
    journey: services.journey,
    metrics: services.metrics ?? createMetrics({ defaultMetrics: false }),
    logger: services.logger,
    deliveryAttempts: config.delivery.attempts,
    intervalMs: config.recordings.lateDataIntervalMs,
  });
  return {
    name: 'late-data',
    maintenance: {
      [LATE_DATA_JOB]: {
        handler: () => watcher.check(),
        everyMs: config.recordings.lateDataIntervalMs,
      },
    },
    afterDelivery: (call, adapter) => watcher.watch(call, adapter),
  };
};
