import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CrmAdapter } from '../adapters/types.js';
import type { EnrichedCall } from '../calls/types.js';
import type { Journey } from '../calls/journey.js';
import type { Config } from '../config.js';
import { PermanentError } from '../errors.js';
import type { Metrics } from '../infra/metrics.js';
import type { DeliverJobData } from '../queues.js';

export type DeliveryFilter = (call: EnrichedCall) => { deliver: true } | { deliver: false; reason: string };

interface Deps {
  adapters: Map<string, CrmAdapter>;
  config: Config;
  journey: Journey;
  logger: Logger;
  metrics?: Metrics;
  filter?: DeliveryFilter;
}

/** Hands one call to one adapter; the adapter says done, retry later, or give up (dead letter). */
export function createDeliverProcessor({ adapters, config, journey, logger, metrics, filter }: Deps) {
  return async (job: Job<DeliverJobData>, _token?: string, shutdown?: AbortSignal) => {
    const { adapter: name, call, idempotencyKey } = job.data;
    const tsid = call.telephonySessionId;
    const adapter = adapters.get(name);
    if (!adapter) {
      throw new UnrecoverableError(
        `CRM adapter "${name}" is not configured here (CRM_ADAPTER names the adapters)`,
      );
    }
    const verdict = filter?.(call) ?? { deliver: true };
    if (!verdict.deliver) {
      metrics?.crmDeliveries.inc({ adapter: name, outcome: 'skipped' });
      await journey.add(tsid, {
        step: 'delivery',
        adapter: name,
        outcome: 'skipped',
        reason: verdict.reason,
      });
      return { skipped: verdict.reason };
    }

    const attempt = job.attemptsMade + 1;
    // A plain timer, not AbortSignal.timeout(): on Node 20 a timeout signal held only by AbortSignal.any()
    // can be garbage-collected and never fire.
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(new Error(`no answer within DELIVERY_TIMEOUT_MS (${config.delivery.timeoutMs} ms)`)),
      config.delivery.timeoutMs,
    );
    const signal = shutdown ? AbortSignal.any([deadline.signal, shutdown]) : deadline.signal;
    const log = logger.child({ adapter: name, telephonySessionId: tsid, attempt });
    try {
      const result = await adapter.deliver(call, { idempotencyKey, attempt, logger: log, signal });
      metrics?.crmDeliveries.inc({ adapter: name, outcome: 'delivered' });
      metrics?.endToEndLatency.observe({ adapter: name }, (Date.now() - Date.parse(call.endedAt)) / 1000);
      await journey.add(tsid, {
        step: 'delivery',
        adapter: name,
        attempt,
        outcome: 'delivered',
        crmId: result?.crmId,
      });
      return { crmId: result?.crmId ?? null };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentError || (err as { permanent?: unknown }).permanent === true;
      const exhausted = attempt >= (job.opts.attempts ?? 1);
      const outcome = permanent || exhausted ? 'dead-letter' : 'retry';
      metrics?.crmDeliveries.inc({ adapter: name, outcome });
      if (outcome === 'dead-letter') metrics?.callsDeadLettered.inc({ stage: 'deliver' });
      await journey.add(tsid, { step: 'delivery', adapter: name, attempt, outcome, error: message });
      log.warn({ err: message, outcome }, 'CRM delivery failed');
      if (permanent) throw new UnrecoverableError(`${name}: ${message}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}
