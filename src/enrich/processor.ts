import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CallMeta, CallState } from '../calls/call-state.js';
import type { Story } from '../calls/story.js';
import type { CallSource, EnrichedCall, RingCentralCallRecord } from '../calls/types.js';
import type { Config } from '../config.js';
import type { DeliveryScheduler } from '../deliver/schedule.js';
import type { Metrics } from '../infra/metrics.js';
import type { EnrichJobData } from '../queues.js';
import type { AccountIdentity } from '../ringcentral/account.js';
import type { ActivePending } from './active-pending.js';
import { visibilityDeadline, type Visibility } from './listing-plan.js';
import type { ListingWaiters } from './listing-waiters.js';
import type { VisibilityStore } from './visibility.js';
import type { createCallLogPending } from './fetchers.js';
import { isRingCentralFailure, recordLookup } from './history.js';
import {
  afterLookup,
  defaultLookupLimits,
  planLookup,
  type LookupLimits,
  type LookupOutcome,
  type LookupPlan,
} from './plan.js';
import type { ListingKind } from './listing-store.js';
import type { SharedListing } from './shared-listing.js';

interface Deps {
  config: Config;
  account: Pick<AccountIdentity, 'isOurs'>;
  callState: CallState;
  story: Story;
  activeCalls: SharedListing;
  callLog: SharedListing;
  callLogPending: ReturnType<typeof createCallLogPending>;
  activePending: ActivePending;
  visibility: VisibilityStore;
  listingWaiters: ListingWaiters;
  deliveries: DeliveryScheduler;
  logger: Logger;
  metrics: Metrics;
  limits?: LookupLimits;
}

/**
 * One run of a call's lookup, carrying out what enrich/plan.ts decides. Waiting (for visibility, for
 * the next shared listing, for RingCentral) moves the job back to delayed, which costs no retry
 * attempt; the run ends when the call is matched, when it is not found once its windows close, or on
 * a permanent RingCentral error.
 */
export function createEnrichProcessor(deps: Deps) {
  const { config, callState, story, logger, metrics } = deps;
  const windows = config.enrich;
  const limits = deps.limits ?? defaultLookupLimits;
  const now = Date.now;

  return async (job: Job<EnrichJobData>, token?: string) => {
    const { telephonySessionId } = job.data;
    const call = await callState.get(telephonySessionId);
    if (!call) {
      metrics.callsDeadLettered.inc({ stage: 'enrich' });
      throw new UnrecoverableError(
        `No state left for call ${telephonySessionId}: it expired before the lookup`,
      );
    }
    // RingCentral's visibility delay as recent matches showed it (the configured one until then).
    const visibility = await deps.visibility.current();
    const plan = planLookup(call, job.data, windows, now(), visibility);
    switch (plan.action) {
      case 'done':
        return { outcome: 'already-enriched' };
      case 'wait':
        return delayUntil(job, plan.until, token);
      case 'not-found':
        return notFound(call);
      case 'unavailable':
        return ringCentralUnavailable(call, plan.failures);
      case 'lookup':
        return lookUp(job, token, call, plan, visibility);
    }
  };

  async function lookUp(
    job: Job<EnrichJobData>,
    token: string | undefined,
    call: CallMeta,
    plan: Extract<LookupPlan, { action: 'lookup' }>,
    visibility: Visibility,
  ) {
    const listing = plan.source === 'active-calls' ? deps.activeCalls : deps.callLog;
    let outcome: LookupOutcome;
    try {
      // Only the account our credentials belong to is looked up: a call the webhook took before it
      // knew the account, claiming another one, ends here without a RingCentral request or a delivery.
      if (!(await deps.account.isOurs(call.accountId))) return await ignoreOtherAccount(call);
      if (plan.source === 'call-log') {
        // The Call Log query's time range covers every call waiting for it (fetchers.ts).
        await deps.activePending.remove(call.accountId, call.telephonySessionId);
        await deps.callLogPending.add(call.accountId, call.telephonySessionId, call.firstSeenAt);
      } else if (call.endedAt !== undefined) {
        // The account's listings are timed from the calls waiting for them (listing-timing.ts).
        await deps.activePending.add(call.accountId, call.telephonySessionId, call.endedAt);
      }
      outcome = { result: await listing.lookup(call.accountId, call, plan.notBefore) };
    } catch (error) {
      outcome = { error };
    }
    await noteLookup(job, call, plan.source, outcome, visibility);

    const step = afterLookup(plan, outcome, limits, now());
    switch (step.action) {
      case 'finish':
        return finish(call, step.source, step.records);
      case 'wait':
        if (step.reason === 'login' && 'error' in outcome) {
          logger.error(
            { err: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) },
            'RingCentral refused our credentials; calls wait until it is fixed',
          );
        }
        // Woken by the next listing if it goes out sooner than planned now (listing-waiters.ts).
        if (step.reason === 'next-listing' && job.id)
          await deps.listingWaiters.add(plan.source, call.accountId, call, job.id);
        return delayUntil(job, step.until, token);
      case 'dead-letter':
        metrics.callsDeadLettered.inc({ stage: 'enrich' });
        await story.add(call.telephonySessionId, {
          step: 'dead-letter',
          stage: 'enrich',
          error: step.reason,
        });
        throw new UnrecoverableError(step.reason);
      case 'fail':
        // The last attempt: the job fails for good, so the story and the dead-letter count say so.
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          metrics.callsDeadLettered.inc({ stage: 'enrich' });
          await story.add(call.telephonySessionId, {
            step: 'dead-letter',
            stage: 'enrich',
            error: step.error instanceof Error ? step.error.message : String(step.error),
          });
        }
        throw step.error;
    }
  }

  async function ignoreOtherAccount(call: CallMeta) {
    await story.add(call.telephonySessionId, { step: 'ignored', reason: 'other-account' });
    await callState.markDone(call.telephonySessionId);
    logger.warn(
      { telephonySessionId: call.telephonySessionId },
      "a call of another RingCentral account was dropped: only the credentials' own account is looked up",
    );
    return { outcome: 'other-account' };
  }

  /** Moves the job back to delayed until `at`: BullMQ runs it again then, and counts no attempt. */
  async function delayUntil(job: Job<EnrichJobData>, at: number, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Math.max(at, now() + 1), token);
    throw new DelayedError();
  }

  async function noteLookup(
    job: Job<EnrichJobData>,
    call: CallMeta,
    kind: ListingKind,
    outcome: LookupOutcome,
    visibility: Visibility,
  ) {
    const endedAt = call.endedAt ?? call.lastEventAt;
    const deadline = kind === 'active-calls' ? visibilityDeadline(endedAt, visibility) : undefined;
    const lookups = recordLookup(job.data.lookups, kind, outcome, deadline);
    if (kind === 'active-calls' && 'result' in outcome && outcome.result.status === 'matched') {
      // What this match says of RingCentral's delay: absent from the last listing that missed it, present here.
      const missedAt = job.data.lookups?.['active-calls']?.lastListedAt ?? endedAt;
      await deps.visibility.record({
        absentMs: Math.max(0, missedAt - endedAt),
        presentMs: Math.max(0, outcome.result.listedAt - endedAt),
      });
    }
    if (lookups !== job.data.lookups) await job.updateData({ ...job.data, lookups });
    // A lookup RingCentral failed is worth a line: the first of a run of failures, then every tenth.
    const failures = lookups?.[kind]?.failures ?? 0;
    if ('error' in outcome && isRingCentralFailure(outcome.error) && failures % 10 === 1) {
      await story.add(call.telephonySessionId, {
        step: 'lookup',
        kind,
        result: 'failed',
        failures,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
    }
    // Only lookups that sent a request are worth a line in the call's story.
    if ('result' in outcome && outcome.result.fetched) {
      await story.add(call.telephonySessionId, {
        step: 'lookup',
        kind,
        fetchId: outcome.result.fetchId,
        result: outcome.result.status,
      });
    }
  }

  async function ringCentralUnavailable(call: CallMeta, failures: number) {
    const error =
      `RingCentral failed all ${failures} Call Log lookups of this call (outage, rate limit or credentials), ` +
      'past the window and ENRICH_UNAVAILABLE_RETRY_MS: it was never answered, so it is not "not found". ' +
      'Replay it with `rc-enrich dlq replay` once RingCentral answers.';
    metrics.callsDeadLettered.inc({ stage: 'enrich' });
    await story.add(call.telephonySessionId, { step: 'dead-letter', stage: 'enrich', error });
    await deps.callLogPending.remove(call.accountId, call.telephonySessionId);
    throw new UnrecoverableError(error);
  }

  async function notFound(call: CallMeta) {
    const { telephonySessionId } = call;
    await story.add(telephonySessionId, { step: 'not-found', policy: windows.notFound });
    if (windows.notFound === 'deliver') return finish(call, 'event', []);
    metrics.callsDeadLettered.inc({ stage: 'enrich' });
    await deps.callLogPending.remove(call.accountId, telephonySessionId);
    throw new UnrecoverableError(
      `Call ${telephonySessionId} was found neither in Active Calls nor in the Call Log (ENRICH_NOT_FOUND=dead-letter)`,
    );
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
    // The story says "matched" before any delivery can start, so `rc-enrich call` reads in order.
    await story.add(call.telephonySessionId, { step: 'matched', source, records: records.length });
    // Deliveries first, then "done": a crash in between re-runs this job, and the deliver job ids dedupe.
    await deps.deliveries.schedule(enriched);
    await callState.markDone(call.telephonySessionId);
    await deps.callLogPending.remove(call.accountId, call.telephonySessionId);
    await deps.activePending.remove(call.accountId, call.telephonySessionId);
    metrics.callsEnriched.inc({ source });
    logger.debug({ telephonySessionId: call.telephonySessionId, source }, 'call enriched');
    return { outcome: 'enriched', source, records: records.length };
  }
}
