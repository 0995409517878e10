import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CallIntake } from './calls/intake.js';
import type { EnrichedCall, RingCentralCallRecord } from './calls/types.js';
import type { Config } from './config.js';
import type { Metrics } from './infra/metrics.js';
import type { RingCentralRequests } from './ringcentral/client.js';
import type { Services } from './services.js';
import type { Notification } from './ringcentral/notification.js';

/** A job the maintenance worker runs by name; `everyMs` makes it a scheduled job (one owner across processes). */
export interface MaintenanceJob {
  name: string;
  handler: (job: Job) => Promise<unknown>;
  everyMs?: number;
}

/** What a feature may use: the Redis services and the pieces the runtime built for this role. */
export interface FeatureContext extends Omit<Services, 'close'> {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  intake: CallIntake;
  /**
   * RingCentral, for the features that call it. Roles that run the workers have the client from the
   * start; the api role builds it only when a feature sends its first request (a recording link's
   * first play), never just to start.
   */
  ringcentral: RingCentralRequests;
}

/**
 * A feature plugs into the running service without the runtime knowing its details: the webhook
 * subscription keeper, the monitoring routes, the quiet sweep, recordings are features. Each part is
 * optional, and a feature closes what it opens.
 */
export interface Feature {
  name: string;
  /** Maintenance jobs, run by the roles that run the workers. */
  maintenance?: MaintenanceJob[];
  /** Fastify plugins registered on the app (every role): public routes such as recording links. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** Operator routes (the dashboard): on ADMIN_PORT when it is set, else on the app beside the others. */
  adminPlugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** Facts added to /health/ready's answer. */
  readiness?: () => Promise<Record<string, unknown>>;
  /** RingCentral's subscription renewal reminder arrived on the webhook. */
  onRenewalReminder?: (notification: Notification) => Promise<void>;
  /** Refresh gauges that live in Redis before /metrics answers. */
  refreshMetrics?: () => Promise<void>;
  /** Add to a call just before an adapter receives it (e.g. playable recording links); same output on every attempt. */
  beforeDelivery?: (call: EnrichedCall) => Promise<EnrichedCall>;
  /**
   * The enrich lookups read a page of the account's Call Log (a query shared by the calls that needed
   * it): every call it lists, not only those asked for. Run after the waiting calls were woken.
   */
  onCallLogRecords?: (records: RingCentralCallRecord[]) => Promise<void>;
  /** A call reached an adapter (not called for updates). */
  afterDelivery?: (call: EnrichedCall, adapter: string) => Promise<void>;
  /** Close what the feature opened (after the workers stopped, before Redis closes). */
  close?: () => Promise<void>;
}

export type FeatureFactory = (context: FeatureContext) => Feature | Promise<Feature>;

/**
 * Every feature's maintenance jobs. Two jobs with one name would run one handler for both, so a
 * duplicate stops the start with both features named.
 */
export function maintenanceJobs(features: Feature[]): MaintenanceJob[] {
  const owners = new Map<string, string>();
  const jobs: MaintenanceJob[] = [];
  for (const feature of features) {
    for (const job of feature.maintenance ?? []) {
      const owner = owners.get(job.name);
      if (owner !== undefined) {
        throw new Error(
          `Maintenance job "${job.name}" is declared by both the ${owner} and the ${feature.name} feature`,
        );
      }
      owners.set(job.name, feature.name);
      jobs.push(job);
    }
  }
  return jobs;
}
