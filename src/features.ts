import type { FastifyInstance } from 'fastify';
import type { EnrichedCall } from './calls/types.js';
import { lateDataFeature } from './late-data/feature.js';
import { monitoringFeature } from './monitoring/feature.js';
import { recordingsFeature } from './recordings/feature.js';
import { subscriptionFeature } from './subscriptions/feature.js';
import type { Services } from './services.js';
import type { Notification } from './webhook/schema.js';
import type { MaintenanceHandler } from './workers.js';

/**
 * A feature plugs into the running service without the runtime knowing its details: the webhook
 * subscription keeper and the monitoring routes are features. Each part is optional.
 */
export interface Feature {
  name: string;
  /** Maintenance jobs run by the worker role; `everyMs` makes it a scheduled job (one owner across processes). */
  maintenance?: Record<string, { handler: MaintenanceHandler; everyMs?: number }>;
  /** Fastify plugins registered on the app (every role). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** Facts added to /health/ready's answer. */
  readiness?: () => Promise<Record<string, unknown>>;
  /** RingCentral's subscription renewal reminder arrived on the webhook. */
  onRenewalReminder?: (notification: Notification) => Promise<void>;
  /** Refresh gauges that live in Redis before /metrics answers. */
  refreshMetrics?: () => Promise<void>;
  /** Add to a call just before an adapter receives it (e.g. playable recording links); same output on every attempt. */
  beforeDelivery?: (call: EnrichedCall) => Promise<EnrichedCall>;
  /** A call reached an adapter (not called for updates). */
  afterDelivery?: (call: EnrichedCall, adapter: string) => Promise<void>;
}

export type FeatureFactory = (services: Services) => Feature | Promise<Feature>;

/** The features every rc-enrich process loads. */
export const features: FeatureFactory[] = [
  // features: one line each
  monitoringFeature,
  subscriptionFeature,
  recordingsFeature,
  lateDataFeature,
];
