import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { createCallIntake } from './calls/intake.js';
import { assertRunnable, type Config } from './config.js';
import { maintenanceJobs, type Feature, type FeatureContext, type FeatureFactory } from './feature.js';
import { features as defaultFeatures } from './features.js';
import { metricsRoute } from './http/metrics-route.js';
import { createMetrics, type Metrics } from './infra/metrics.js';
import { createCredentialsCheck } from './ringcentral/credentials-check.js';
import { createAccountIdentity } from './ringcentral/account.js';
import { createRingCentralClient, onFirstRequest, type RingCentralClient } from './ringcentral/client.js';
import { createServices, type Services } from './services.js';
import { startWorkers, type RunningWorkers } from './workers.js';

export interface RunningService {
  app: FastifyInstance;
  /** The operator app (/metrics, /admin/queues, /health/*) when ADMIN_PORT is set; main.ts listens on it. */
  adminApp?: FastifyInstance;
  config: Config;
  services: Services;
  workers?: RunningWorkers;
  /** The RingCentral client of the roles that run the workers; undefined in the api role. */
  ringcentral?: RingCentralClient;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs, for the configured ROLE, without listening: main.ts, the CLI's `serve`,
 * the demo and the end-to-end tests all start the service through this one function. Each part is
 * opened here and closed in reverse: the app, the workers (and their adapters), the features, Redis.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: { metrics?: Metrics; features?: FeatureFactory[] } = {},
): Promise<RunningService> {
  assertRunnable(config);
  const metrics = options.metrics ?? createMetrics();
  const services = await createServices(config, logger);
  let workers: RunningWorkers | undefined;
  let adminApp: FastifyInstance | undefined;
  const loaded: Feature[] = [];
  // Features close what they opened, after the workers that use them stopped, in reverse order.
  const closeFeatures = async () => {
    for (const feature of [...loaded].reverse())
      await feature
        .close?.()
        .catch((err: unknown) => logger.error({ err, feature: feature.name }, 'close failed'));
  };
  try {
    const makeClient = () =>
      createRingCentralClient({
        config: config.ringcentral,
        redis: services.workerRedis,
        keys: services.keys,
        logger,
        metrics,
      });
    // The api role only answers and enqueues: it builds a RingCentral client only if a feature sends a
    // request (a recording link's first play). The roles that run the workers need one from the start.
    const client = config.role === 'api' ? undefined : makeClient();
    const ringcentral = client ?? onFirstRequest(makeClient);
    // The api role only reads the account; the workers learn it from RingCentral.
    const account = createAccountIdentity({
      redis: services.redis,
      keys: services.keys,
      ringcentral: client,
    });
    const intake = createCallIntake({
      visibilityDelayMs: config.enrich.visibilityDelayMs,
      account,
      callState: services.callState,
      queues: services.queues,
      logger,
    });
    const context: FeatureContext = { ...services, config, logger, metrics, intake, ringcentral };
    for (const make of options.features ?? defaultFeatures) loaded.push(await make(context));
    const maintenance = maintenanceJobs(loaded);
    if (client) {
      workers = await startWorkers({
        config,
        services,
        ringcentral: client,
        account,
        logger,
        metrics,
        maintenance,
        beforeDelivery: loaded.flatMap((feature) => (feature.beforeDelivery ? [feature.beforeDelivery] : [])),
        afterDelivery: loaded.flatMap((feature) => (feature.afterDelivery ? [feature.afterDelivery] : [])),
        onCallLogRecords: loaded.flatMap((feature) =>
          feature.onCallLogRecords ? [feature.onCallLogRecords] : [],
        ),
      });
    }

    // Processes that work with RingCentral are not ready until it has accepted our credentials once.
    const credentials = client
      ? createCredentialsCheck({ login: () => client.ensureLoggedIn(), logger })
      : undefined;
    const adminPlugins = [
      metricsRoute(metrics, async () => {
        await Promise.all(loaded.map((feature) => feature.refreshMetrics?.()));
      }),
      ...loaded.flatMap((feature) => feature.adminPlugins ?? []),
    ];
    const health = {
      redis: services.redis,
      workersRunning: workers?.running,
      ringcentral: credentials?.status,
      details: async () =>
        Object.assign({}, ...(await Promise.all(loaded.map((feature) => feature.readiness?.() ?? {})))),
    };
    const app = await buildApp({
      settings: { bodyLimit: config.webhook.bodyLimit },
      logger,
      health,
      // assertRunnable has made sure the roles that receive webhooks have their token.
      webhook:
        config.role === 'worker'
          ? undefined
          : {
              verificationToken: config.webhook.verificationToken ?? '',
              bodyLimit: config.webhook.bodyLimit,
              intake,
              metrics,
              redisReachable: () => services.redis.status === 'ready',
              failures: config.authFailures,
              onRenewalReminder: renewalReminders(loaded),
            },
      plugins: [
        ...(config.adminPort === undefined ? adminPlugins : []),
        ...loaded.flatMap((feature) => feature.plugins ?? []),
      ],
    });
    // With ADMIN_PORT, the operator routes leave the public port for an app of their own.
    adminApp =
      config.adminPort === undefined
        ? undefined
        : await buildApp({
            settings: { bodyLimit: config.webhook.bodyLimit },
            logger,
            health,
            plugins: adminPlugins,
          });
    credentials?.start();
    const running = workers;
    const admin = adminApp;
    return {
      app,
      adminApp: admin,
      config,
      services,
      workers,
      ringcentral: client,
      metrics,
      async close() {
        credentials?.stop();
        // Stop taking requests first, then finish or release in-flight jobs, then close connections.
        await app.close();
        await admin?.close();
        await running?.close();
        await closeFeatures();
        await services.close();
      },
    };
  } catch (err) {
    await adminApp?.close();
    await workers?.close();
    await closeFeatures();
    await services.close();
    throw err;
  }
}

/** The features' renewal-reminder handlers as one, or undefined when no feature wants reminders. */
function renewalReminders(loaded: Feature[]): Feature['onRenewalReminder'] {
  const handlers = loaded.flatMap((feature) =>
    feature.onRenewalReminder ? [feature.onRenewalReminder] : [],
  );
  if (handlers.length === 0) return undefined;
  return async (notification) => {
    for (const handler of handlers) await handler(notification);
  };
}
