import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CallMeta, CallState } from '../calls/call-state.js';
import type { Journey } from '../calls/journey.js';
import type { CallSource, EnrichedCall, RingCentralCallRecord } from '../calls/types.js';
import type { Config } from '../config.js';
import type { DeliveryScheduler } from '../deliver/schedule.js';
import { LoginError, PermanentError, RetryableError } from '../errors.js';
import type { Metrics } from '../infra/metrics.js';
import type { EnrichJobData } from '../queues.js';
import type { createCallLogPending } from './fetchers.js';
import type { LookupResult, SharedListing } from './shared-listing.js';

interface Deps {
  config: Config;
  callState: CallState;
  journey: Journey;
  activeCalls: SharedListing;
  callLog: SharedListing;
  callLogPending: ReturnType<typeof createCallLogPending>;
  deliveries: DeliveryScheduler;
  logger: Logger;
  metrics?: Metrics;
}

/** While RingCentral refuses our credentials, check back this often (an operator has to fix the config). */
const loginRetryMs = 60_000;
/** A call that came back to life after ending is checked this often until it ends again. */
const reopenedRecheckMs = 30_000;

/**
 * One run of a call's lookup. Waiting (for visibility, for the next shared listing, for the budget)
 * moves the job back to delayed, which costs no retry attempt; the run ends when the call is matched,
 * when it is not found once its windows close, or on a permanent RingCentral error.
 */
export function createEnrichProcessor(deps: Deps) {
  const { config, callState, journey, logger, metrics } = deps;
  const windows = config.enrich;

  return async (job: Job<EnrichJobData>, token?: string) => {
    const { telephonySessionId } = job.data;
    const call = await callState.get(telephonySessionId);
    if (!call) {
      metrics?.callsDeadLettered.inc({ stage: 'enrich' });
      throw new UnrecoverableError(
        `No state left for call ${telephonySessionId}: it expired before the lookup`,
      );
    }
    if (call.doneAt) return { outcome: 'already-enriched' };
    const wait = async (at: number): Promise<never> => {
      await job.moveToDelayed(Math.max(at, Date.now() + 1), token);
      throw new DelayedError();
    };
    if (call.endedAt === undefined)
      return wait(Date.now() + Math.min(reopenedRecheckMs, windows.quietPeriodMs));

    const endedAt = call.endedAt;
    const dueAt = endedAt + windows.visibilityDelayMs;
    // A replayed dead letter gets a fresh Call Log window from the moment it was replayed.
    const callLogUntil = Math.max(endedAt, job.data.replayedAt ?? 0) + windows.callLogWindowMs;
    const activeUntil = endedAt + windows.activeWindowMs;
    const now = Date.now();
    if (now < dueAt) return wait(dueAt);

    try {
      if (now < activeUntil && !job.data.replayedAt) {
        const result = await deps.activeCalls.lookup(call.accountId, call, dueAt);
        await noteLookup(call, 'active-calls', result);
        if (result.status === 'matched') return finish(call, 'active-calls', result.records);
        return wait(Math.min(result.retryAt, activeUntil));
      }
      if (now < callLogUntil) {
        await deps.callLogPending.add(call.accountId, telephonySessionId, call.firstSeenAt);
        const result = await deps.callLog.lookup(call.accountId, call, job.data.replayedAt ?? dueAt);
        await noteLookup(call, 'call-log', result);
        if (result.status === 'matched') return finish(call, 'call-log', result.records);
        return wait(Math.min(result.retryAt, callLogUntil));
      }
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (err instanceof LoginError) {
        logger.error(
          { err: err.message },
          'RingCentral refused our credentials; calls wait until it is fixed',
        );
        return wait(Date.now() + loginRetryMs);
      }
      if (err instanceof RetryableError) return wait(Date.now() + (err.retryAfterMs ?? 5_000));
      if (err instanceof PermanentError) {
        metrics?.callsDeadLettered.inc({ stage: 'enrich' });
        await journey.add(telephonySessionId, { step: 'dead-letter', stage: 'enrich', error: err.message });
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }

    await journey.add(telephonySessionId, { step: 'not-found', policy: windows.notFound });
    if (windows.notFound === 'deliver') return finish(call, 'event', []);
    metrics?.callsDeadLettered.inc({ stage: 'enrich' });
    await deps.callLogPending.remove(call.accountId, telephonySessionId);
    throw new UnrecoverableError(
      `Call ${telephonySessionId} was found neither in Active Calls nor in the Call Log (ENRICH_NOT_FOUND=dead-letter)`,
    );
  };

  async function noteLookup(call: CallMeta, kind: string, result: LookupResult) {
    // Only lookups that sent a request are worth a line in the call's story.
    if (result.fetched) {
      await journey.add(call.telephonySessionId, {
        step: 'lookup',
        kind,
        fetchId: result.fetchId,
        result: result.status,
      });
    }
  }

  async function finish(call: CallMeta, source: CallSource, records: RingCentralCallRecord[]) {
    const enriched: EnrichedCall = {
      telephonySessionId: call.telephonySessionId,
      sessionId: call.sessionId,
      accountId: call.accountId,
      source,
      records,
      parties: call.parties,
      firstSeenAt: new Date(call.firstSeenAt).toISOString(),
      endedAt: new Date(call.endedAt ?? call.lastEventAt).toISOString(),
    };
    // Deliveries first, then "done": a crash in between re-runs this job, and the deliver job ids dedupe.
    await deps.deliveries.schedule(enriched);
    await callState.markDone(call.telephonySessionId);
    await deps.callLogPending.remove(call.accountId, call.telephonySessionId);
    await journey.add(call.telephonySessionId, { step: 'matched', source, records: records.length });
    metrics?.callsEnriched.inc({ source });
    logger.debug({ telephonySessionId: call.telephonySessionId, source }, 'call enriched');
    return { outcome: 'enriched', source, records: records.length };
  }
}
