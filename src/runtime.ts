import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { features as defaultFeatures, type Feature, type FeatureFactory } from './features.js';
import { metricsRoute } from './http/metrics-route.js';
import { createMetrics, type Metrics } from './infra/metrics.js';
import { budgetsReport, showBudgets } from './ringcentral/budget-report.js';
import { createCredentialsCheck } from './ringcentral/credentials-check.js';
import { createServices, type Services } from './services.js';
import { startWorkers, type RunningWorkers } from './workers.js';

export interface RunningService {
  app: FastifyInstance;
  services: Services;
  workers?: RunningWorkers;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs, for the configured ROLE, without listening: main.ts, the CLI's `serve`,
 * the demo and the end-to-end tests all start the service through this one function.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: { metrics?: Metrics; features?: FeatureFactory[] } = {},
): Promise<RunningService> {
  const metrics = options.metrics ?? createMetrics();
  const services = await createServices(config, logger, metrics);
  try {
    const loaded: Feature[] = [];
    for (const make of options.features ?? defaultFeatures) loaded.push(await make(services));
    const workers =
      config.role === 'api'
        ? undefined
        : await startWorkers(services, {
            maintenance: Object.assign({}, ...loaded.map((feature) => feature.maintenance ?? {})),
            beforeDelivery: loaded.flatMap((feature) =>
              feature.beforeDelivery ? [feature.beforeDelivery] : [],
            ),
            afterDelivery: loaded.flatMap((feature) =>
              feature.afterDelivery ? [feature.afterDelivery] : [],
            ),
          });
    // Processes that work with RingCentral are not ready until it has accepted our credentials once.
    const credentials =
      config.role === 'api'
        ? undefined
        : createCredentialsCheck({ login: () => services.ringcentral.ensureLoggedIn(), logger });
    const refresh = async () => {
      showBudgets(metrics, await budgetsReport(services.ringcentral.budgets));
      await Promise.all(loaded.map((feature) => feature.refreshMetrics?.()));
    };
    const reminderHandlers = loaded.flatMap((feature) =>
      feature.onRenewalReminder ? [feature.onRenewalReminder] : [],
    );
    const app = await buildApp({
      services,
      logger,
      workersRunning: workers?.running,
      ringcentralStatus: credentials?.status,
      onRenewalReminder:
        reminderHandlers.length > 0
          ? async (notification) => {
              for (const handler of reminderHandlers) await handler(notification);
            }
          : undefined,
      readinessDetails: async () =>
        Object.assign({}, ...(await Promise.all(loaded.map((feature) => feature.readiness?.() ?? {})))),
      plugins: [metricsRoute(metrics, refresh), ...loaded.flatMap((feature) => feature.plugins ?? [])],
    });
    credentials?.start();
    return {
      app,
      services,
      workers,
      metrics,
      async close() {
        credentials?.stop();
        // Stop taking requests first, then finish or release in-flight jobs, then close connections.
        await app.close();
        await services.close();
      },
    };
  } catch (err) {
    await services.close();
    throw err;
  }
}
