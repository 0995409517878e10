import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CrmAdapter, DeliveryResult } from '../adapters/types.js';
import type { EnrichedCall } from '../calls/types.js';
import type { Story } from '../calls/story.js';
import type { Config } from '../config.js';
import type { Metrics } from '../infra/metrics.js';
import { createDeadline } from '../infra/timeout.js';
import type { DeliverJobData } from '../queues.js';
import { ScheduledRetry } from './backoff.js';
import type { DeliveredLedger } from './ledger.js';
import { deliveryVerdict, type AttemptResult, type DeliveryLimits } from './verdict.js';

export type DeliveryFilter = (call: EnrichedCall) => { deliver: true } | { deliver: false; reason: string };

interface Deps {
  adapters: Map<string, CrmAdapter>;
  config: Config;
  story: Story;
  logger: Logger;
  metrics: Metrics;
  filter?: DeliveryFilter;
  /** Features' additions to the call (recording links), applied before the adapter sees it. */
  beforeDelivery?: Array<(call: EnrichedCall) => Promise<EnrichedCall>>;
  /** Told of each successful delivery (not updates): e.g. to watch for a recording still to come. */
  afterDelivery?: Array<(call: EnrichedCall, adapter: string) => Promise<void>>;
  /** Which calls already reached which adapter: a second delivery job for the same call sends nothing. */
  ledger: DeliveredLedger;
}

/**
 * Hands one call to one adapter and carries out the verdict (deliver/verdict.ts) on what came back:
 * done, retry at a time, or dead letter. Jobs named `update` carry what a delivered call gained later
 * and go to the adapter's `update()`.
 */
export function createDeliverProcessor({
  adapters,
  config,
  story,
  logger,
  metrics,
  filter,
  beforeDelivery = [],
  afterDelivery = [],
  ledger,
}: Deps) {
  const limitsOf = (job: Job<DeliverJobData>): DeliveryLimits => ({
    attempts: job.opts.attempts ?? 1,
    backoff: {
      baseMs: config.delivery.backoffMs,
      maxMs: config.delivery.maxBackoffMs,
      maxRetryAfterMs: config.delivery.maxRetryAfterMs,
    },
  });
  return async (job: Job<DeliverJobData>, _token?: string, shutdown?: AbortSignal) => {
    const { adapter: name, call, idempotencyKey, changes = [] } = job.data;
    const isUpdate = job.name === 'update';
    const tsid = call.telephonySessionId;
    const adapter = adapters.get(name);
    if (!adapter) {
      throw new UnrecoverableError(
        `CRM adapter "${name}" is not configured here (CRM_ADAPTER names the adapters)`,
      );
    }
    if (isUpdate && !adapter.update) {
      const reason = `the ${name} adapter has no update(): ${changes.join(' and ')} not sent`;
      metrics.crmDeliveries.inc({ adapter: name, outcome: 'skipped' });
      await story.add(tsid, { step: 'delivery', adapter: name, outcome: 'skipped', reason });
      return { skipped: reason };
    }
    const via = call.recoveredBy ?? 'notifications';
    const already = isUpdate ? null : await ledger.get(name, tsid);
    if (already) {
      // Another path (reconcile, back-fill, a replay, or a job re-created after the first was removed)
      // got here first: the CRM has the call, or the filter held it back.
      await story.add(tsid, { step: 'delivery', adapter: name, outcome: 'already-delivered', via });
      return { alreadyDelivered: already.at };
    }
    const wanted = filter?.(call) ?? { deliver: true };
    if (!wanted.deliver) {
      if (!isUpdate)
        await ledger.record(name, tsid, { outcome: 'skipped', at: new Date().toISOString(), via });
      metrics.crmDeliveries.inc({ adapter: name, outcome: 'skipped' });
      await story.add(tsid, {
        step: 'delivery',
        adapter: name,
        outcome: 'skipped',
        reason: wanted.reason,
      });
      return { skipped: wanted.reason };
    }

    const attempt = job.attemptsMade + 1;
    const timeoutMs = config.delivery.timeoutMs;
    const deadline = createDeadline(
      timeoutMs,
      () => new Error(`no answer within DELIVERY_TIMEOUT_MS (${timeoutMs} ms)`),
      shutdown,
    );
    const { signal } = deadline;
    const log = logger.child({ adapter: name, telephonySessionId: tsid, attempt });
    let delivered: DeliveryResult | void = undefined;
    let prepared = call;
    let result: AttemptResult;
    try {
      for (const add of beforeDelivery) prepared = await add(prepared);
      const ctx = { idempotencyKey, attempt, logger: log, signal };
      delivered = isUpdate
        ? await adapter.update!(prepared, {
            ...ctx,
            changes,
            updateKey: `${idempotencyKey}_update_${changes.join('_')}`,
          })
        : await adapter.deliver(prepared, ctx);
      result = { ok: true };
    } catch (error) {
      result = { ok: false, error };
    } finally {
      deadline.clear();
    }

    const verdict = deliveryVerdict(result, attempt, limitsOf(job), Date.now());
    switch (verdict.outcome) {
      case 'delivered': {
        const crmId = delivered?.crmId;
        const owner = delivered?.owner;
        if (!isUpdate)
          await ledger.record(name, tsid, {
            outcome: 'delivered',
            at: new Date().toISOString(),
            via,
            ...(crmId ? { crmId } : {}),
          });
        metrics.crmDeliveries.inc({ adapter: name, outcome: 'delivered' });
        if (!isUpdate) {
          metrics.endToEndLatency.observe({ adapter: name }, (Date.now() - Date.parse(call.endedAt)) / 1000);
        }
        if (owner && !isUpdate)
          metrics.crmOwnerDecisions.inc({ adapter: name, source: owner.source, reason: owner.reason });
        await story.add(tsid, {
          step: 'delivery',
          adapter: name,
          attempt,
          outcome: isUpdate ? 'updated' : 'delivered',
          ...(isUpdate ? { changes } : {}),
          crmId,
          // What the record says: the call's outcome and who owns it, with why (`rc-enrich call <id>`).
          ...(delivered?.outcome ? { callOutcome: delivered.outcome } : {}),
          ...(owner ? { owner: owner.detail, ownerSource: owner.source } : {}),
        });
        if (!isUpdate) for (const tell of afterDelivery) await tell(prepared, name);
        return { crmId: crmId ?? null };
      }
      case 'retry': {
        const retryAt = new Date(verdict.at).toISOString();
        metrics.crmDeliveries.inc({ adapter: name, outcome: 'retry' });
        await story.add(tsid, {
          step: 'delivery',
          adapter: name,
          attempt,
          outcome: 'retry',
          error: verdict.error,
          retryAt,
        });
        log.warn({ err: verdict.error, outcome: 'retry', retryAt }, 'CRM delivery failed');
        if (verdict.retryAfterAskedMs !== undefined) {
          metrics.retryAfterCapped.inc({ target: 'crm' });
          log.warn(
            { retryAfterMs: verdict.retryAfterAskedMs, cappedToMs: config.delivery.maxRetryAfterMs },
            'the CRM asked to wait longer than DELIVERY_MAX_RETRY_AFTER_MS: retrying at the cap instead',
          );
        }
        // BullMQ's backoff for this queue (crmBackoff) reads the time back from the error.
        throw new ScheduledRetry(verdict.error, verdict.at, { cause: verdict.cause });
      }
      case 'dead-letter':
        metrics.crmDeliveries.inc({ adapter: name, outcome: 'dead-letter' });
        metrics.callsDeadLettered.inc({ stage: 'deliver' });
        await story.add(tsid, {
          step: 'delivery',
          adapter: name,
          attempt,
          outcome: 'dead-letter',
          error: verdict.error,
        });
        log.warn({ err: verdict.error, outcome: 'dead-letter' }, 'CRM delivery failed');
        if (verdict.permanent) throw new UnrecoverableError(`${name}: ${verdict.error}`);
        // Attempts used up: failing this last one makes the job a dead letter.
        throw verdict.cause;
    }
  };
}
