import type { Logger } from 'pino';
import type { CallMeta, CallState } from '../calls/call-state.js';
import type { Story } from '../calls/story.js';
import type { EnrichedCall, RecoveredBy, RingCentralCallRecord } from '../calls/types.js';
import type { DeliveredLedger } from '../deliver/ledger.js';
import type { DeliveryScheduler } from '../deliver/schedule.js';
import { matchRecords } from '../enrich/match.js';
import { deliverJobId, enrichJobId, type Queues } from '../queues.js';
import { groupByCall } from './call-log-pages.js';
import {
  decideRecovery,
  recordEnd,
  type CallFacts,
  type JobState,
  type LeaveReason,
  type RecoveryReason,
} from './decide.js';

interface Deps {
  adapters: string[];
  graceMs: number;
  callState: Pick<CallState, 'get' | 'markRecovered'>;
  story: Pick<Story, 'add'>;
  ledger: Pick<DeliveredLedger, 'adaptersWith'>;
  deliveries: Pick<DeliveryScheduler, 'schedule'>;
  queues: Pick<Queues, 'enrich' | 'deliver'>;
  /** The account the credentials belong to: the `accountId` the notifications would have carried. */
  accountId: () => Promise<string>;
  logger: Logger;
  onRecovered?: (reason: RecoveryReason) => void;
}

/** What one page of the Call Log came to. */
export interface PageTally {
  records: number;
  calls: number;
  recovered: Partial<Record<RecoveryReason, number>>;
  left: Partial<Record<LeaveReason, number>>;
}

export const emptyTally = (): PageTally => ({ records: 0, calls: 0, recovered: {}, left: {} });

export function addTallies(into: PageTally, page: PageTally): PageTally {
  into.records += page.records;
  into.calls += page.calls;
  for (const [reason, n] of Object.entries(page.recovered) as [RecoveryReason, number][])
    into.recovered[reason] = (into.recovered[reason] ?? 0) + n;
  for (const [why, n] of Object.entries(page.left) as [LeaveReason, number][])
    into.left[why] = (into.left[why] ?? 0) + n;
  return into;
}

export const recoveredCount = (tally: PageTally) =>
  Object.values(tally.recovered).reduce((sum, n) => sum + n, 0);

/**
 * Reconcile and back-fill share this: for each call a page of the Call Log lists, read what we know
 * (ledger, call state, jobs), decide (decide.ts), and recover what was lost: its deliveries are queued
 * from the record with the normal path's job ids and idempotency key, the call is marked done, and its
 * story says who recovered it and why.
 */
export function createRecovery(deps: Deps) {
  const jobState = async (queue: Queues['enrich'] | Queues['deliver'], id: string): Promise<JobState> => {
    const state = await queue.getJobState(id);
    return state === 'unknown' ? 'absent' : state;
  };

  async function factsOf(telephonySessionId: string, records: RingCentralCallRecord[]) {
    const [inLedger, call, enrichJob, ...deliverStates] = await Promise.all([
      deps.ledger.adaptersWith(deps.adapters, telephonySessionId),
      deps.callState.get(telephonySessionId),
      jobState(deps.queues.enrich, enrichJobId(telephonySessionId)),
      ...deps.adapters.map((adapter) =>
        jobState(deps.queues.deliver, deliverJobId(adapter, telephonySessionId)),
      ),
    ]);
    const deliverJobs = Object.fromEntries(deps.adapters.map((adapter, i) => [adapter, deliverStates[i]!]));
    const facts: CallFacts = {
      telephonySessionId,
      records,
      adapters: deps.adapters,
      inLedger,
      deliverJobs,
      call,
      enrichJob,
    };
    return { facts, call };
  }

  async function recover(
    telephonySessionId: string,
    records: RingCentralCallRecord[],
    call: CallMeta | null,
    reason: RecoveryReason,
    adapters: string[],
    via: RecoveredBy,
  ) {
    const sorted = matchRecords(records);
    const ordered = sorted.status === 'matched' ? sorted.records : records;
    const endedAt = call?.endedAt ?? recordEnd(records);
    const enriched: EnrichedCall = {
      telephonySessionId,
      sessionId: call?.sessionId || ordered[0]!.sessionId,
      accountId: call?.accountId || (await deps.accountId()),
      source: 'call-log',
      records: ordered,
      parties: call?.parties ?? [],
      firstSeenAt: new Date(call?.firstSeenAt ?? Date.parse(ordered[0]!.startTime)).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      recoveredBy: via,
    };
    // The story first, so `rc-enrich call` reads in order; then the deliveries (job ids dedupe a re-run);
    // then "done", so a notification arriving late schedules no second lookup.
    await deps.story.add(telephonySessionId, {
      step: 'recovered',
      via,
      reason,
      records: ordered.length,
      adapters: adapters.join(','),
    });
    await deps.deliveries.schedule(enriched, adapters);
    await deps.callState.markRecovered({ ...enriched, endedAt });
    deps.onRecovered?.(reason);
  }

  return {
    /** Decide and act on every call of one page; `dryRun` decides only. */
    async page(
      records: RingCentralCallRecord[],
      options: {
        via: RecoveredBy;
        dryRun?: boolean;
        now?: number;
        /** Receives the records of the calls left for being too recent (to decide again later). */
        tooRecent?: (records: RingCentralCallRecord[]) => void;
      },
    ): Promise<PageTally> {
      const now = options.now ?? Date.now();
      const { calls, unidentified } = groupByCall(records);
      const tally: PageTally = {
        records: records.length,
        calls: calls.size,
        recovered: {},
        left: unidentified > 0 ? { unidentified } : {},
      };
      for (const [telephonySessionId, callRecords] of calls) {
        const { facts, call } = await factsOf(telephonySessionId, callRecords);
        const decision = decideRecovery(facts, now, deps.graceMs);
        if (decision.action === 'leave') {
          tally.left[decision.why] = (tally.left[decision.why] ?? 0) + 1;
          if (decision.why === 'too-recent') options.tooRecent?.(callRecords);
          continue;
        }
        if (!options.dryRun)
          await recover(
            telephonySessionId,
            callRecords,
            call,
            decision.reason,
            decision.adapters,
            options.via,
          );
        tally.recovered[decision.reason] = (tally.recovered[decision.reason] ?? 0) + 1;
      }
      if (unidentified > 0)
        deps.logger.warn({ unidentified }, 'Call Log records without a telephonySessionId were skipped');
      return tally;
    },
  };
}

export type Recovery = ReturnType<typeof createRecovery>;
