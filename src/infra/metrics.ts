import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric rc-enrich exports, in one registry per service instance (tests build several).
 * Names follow Prometheus conventions: `rc_enrich_` prefix, base units, `_total` on counters.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'rc_enrich_' });
  const registers = [registry];
  // The budget gauges: one series per RingCentral rate group, read from Redis on scrape.
  const groupGauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['group'] as const, registers });

  return {
    registry,
    webhookRequests: new Counter({
      name: 'rc_enrich_webhook_requests_total',
      help: 'Webhook requests received, by outcome (accepted, duplicate, other-account, handshake, reminder, ignored, unauthorized, throttled, invalid, unrecorded, error)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    callsEnriched: new Counter({
      name: 'rc_enrich_calls_enriched_total',
      help: 'Calls handed to delivery, by where their data came from (active-calls, call-log, event)',
      labelNames: ['source'] as const,
      registers,
    }),
    callsDeadLettered: new Counter({
      name: 'rc_enrich_calls_dead_lettered_total',
      help: 'Calls moved to the dead letters, by stage (enrich, deliver)',
      labelNames: ['stage'] as const,
      registers,
    }),
    ringcentralRequests: new Counter({
      name: 'rc_enrich_ringcentral_requests_total',
      help: 'Requests sent to RingCentral, by API group and HTTP status (0 = network error)',
      labelNames: ['group', 'status'] as const,
      registers,
    }),
    ringcentralRateLimited: new Counter({
      name: 'rc_enrich_ringcentral_rate_limited_total',
      help: 'HTTP 429 answers from RingCentral, by API group',
      labelNames: ['group'] as const,
      registers,
    }),
    ringcentralBudgetRemaining: new Gauge({
      name: 'rc_enrich_ringcentral_budget_remaining',
      help: 'Requests left in the current rate-limit window, by API group (shared by all processes)',
      labelNames: ['group'] as const,
      registers,
    }),
    ringcentralBudgetUsed: groupGauge(
      'rc_enrich_ringcentral_budget_used',
      'Requests sent in the current rate-limit window, by API group (shared by all processes)',
    ),
    ringcentralBudgetLimit: groupGauge(
      'rc_enrich_ringcentral_budget_limit',
      'Requests allowed per rate-limit window, by API group (as configured, or as RingCentral last said)',
    ),
    ringcentralBudgetReserved: groupGauge(
      'rc_enrich_ringcentral_budget_reserved',
      'Requests waiting for a slot of the group, each owed one before less urgent work',
    ),
    ringcentralBudgetPenalty: groupGauge(
      'rc_enrich_ringcentral_budget_penalty_seconds',
      'Seconds left of the pause after a 429 (Retry-After), by API group; 0 when none',
    ),
    retryAfterCapped: new Counter({
      name: 'rc_enrich_retry_after_capped_total',
      help: 'Retry-After answers longer than the cap (DELIVERY_MAX_RETRY_AFTER_MS, RC_MAX_RETRY_AFTER_MS) and shortened to it, by target (crm, ringcentral)',
      labelNames: ['target'] as const,
      registers,
    }),
    crmDeliveries: new Counter({
      name: 'rc_enrich_crm_deliveries_total',
      help: 'CRM delivery attempts, by adapter and outcome (delivered, skipped, retry, dead-letter)',
      labelNames: ['adapter', 'outcome'] as const,
      registers,
    }),
    crmOwnerDecisions: new Counter({
      name: 'rc_enrich_crm_owner_decisions_total',
      help: 'CRM records written, by adapter, where their owner came from (map, email, fallback, none) and why (reason)',
      labelNames: ['adapter', 'source', 'reason'] as const,
      registers,
    }),
    endToEndLatency: new Histogram({
      name: 'rc_enrich_call_end_to_delivery_seconds',
      help: 'Seconds from the end of a call to its delivery to the CRM',
      labelNames: ['adapter'] as const,
      buckets: [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    }),
    recordingLinksServed: new Counter({
      name: 'rc_enrich_recording_links_total',
      help: 'Recording link requests, by outcome (served, forbidden, expired, not-found, unavailable)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    recordingCacheHits: new Counter({
      name: 'rc_enrich_recording_cache_hits_total',
      help: 'Recording plays served from the local cache without fetching the audio again',
      registers,
    }),
    recordingDownloads: new Counter({
      name: 'rc_enrich_recording_downloads_total',
      help: 'Recording audio downloads from RingCentral (each one is a Heavy request)',
      registers,
    }),
    recordingsArchived: new Counter({
      name: 'rc_enrich_recordings_archived_total',
      help: 'Recordings copied to the archive (RECORDINGS_ARCHIVE)',
      registers,
    }),
    recordingFailures: new Counter({
      name: 'rc_enrich_recording_failures_total',
      help: 'Recording operations that failed, by stage (download, archive, update)',
      labelNames: ['stage'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'rc_enrich_job_duration_seconds',
      help: 'Time a worker spent on one job run, by queue',
      labelNames: ['queue'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry may be shared by several services in a test process: register each metric once. */
export function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * A gauge without labels that exports no sample until it is shown a value, nor after `show(undefined)`. prom-client's
 * own reads 0 then, which an alert cannot tell from 1970: a missing subscription must be `absent()`.
 */
export class AbsentUntilSet extends Gauge {
  private present = false;

  /** The value to export, or undefined to export none. */
  show(value: number | undefined): void {
    this.present = value !== undefined;
    if (value !== undefined) this.set(value);
  }

  override async get() {
    const metric = await super.get();
    return this.present ? metric : { ...metric, values: [] };
  }
}
