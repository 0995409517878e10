import type { Feature, FeatureFactory } from '../feature.js';
import { dashboardPath, dashboardPlugin } from './dashboard.js';
import { registerQueueMetrics } from './queue-metrics.js';

/**
 * Monitoring: queue gauges on /metrics (every role) and the Bull Board dashboard at /admin/queues
 * (roles that serve the admin routes, and only when ADMIN_PASSWORD is set).
 */
export const monitoringFeature: FeatureFactory = ({ config, logger, metrics, queues, story }) => {
  registerQueueMetrics(metrics.registry, [queues.enrich, queues.deliver, queues.maintenance], logger);

  const feature: Feature = { name: 'monitoring', adminPlugins: [] };
  if (config.role === 'worker') return feature;
  if (!config.admin.password) {
    logger.info(`the queue dashboard at ${dashboardPath} is off: set ADMIN_PASSWORD to turn it on`);
    return feature;
  }
  feature.adminPlugins = [
    dashboardPlugin({
      queues,
      story,
      user: config.admin.user,
      password: config.admin.password,
      readOnly: config.admin.readOnly,
      failures: config.authFailures,
    }),
  ];
  return feature;
};
