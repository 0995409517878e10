import type { FeatureFactory } from '../feature.js';
import { LATE_DATA_JOB, createLateDataWatcher } from './watcher.js';

/**
 * Late data becomes an update, not a duplicate: calls delivered before their recording (or their
 * RingCentral record) existed are watched, and what arrives later is sent to the same CRM record.
 */
export const lateDataFeature: FeatureFactory = (context) => {
  const { config } = context;
  const watcher = createLateDataWatcher({
    redis: context.workerRedis,
    keys: context.keys,
    queues: context.queues,
    ringcentral: context.ringcentral,
    story: context.story,
    metrics: context.metrics,
    logger: context.logger,
    deliveryAttempts: config.delivery.attempts,
    intervalMs: config.recordings.lateDataIntervalMs,
  });
  return {
    name: 'late-data',
    maintenance: [
      {
        name: LATE_DATA_JOB,
        handler: () => watcher.check(),
        everyMs: config.recordings.lateDataIntervalMs,
      },
    ],
    afterDelivery: (call, adapter) => watcher.watch(call, adapter),
  };
};
