import type { Logger } from 'pino';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { MaintenanceJob } from '../feature.js';
import type { Queues } from '../queues.js';
import { RECONCILE_JOB } from './reconciler.js';
import { recoveredCount, type Recovery } from './recover.js';

export const RECHECK_JOB = 'reconcile-recheck';

/** A recheck carries at most this many records (a burst's worth); the scan covers the rest. */
const maxRecheckRecords = 1_000;

/**
 * Recovery from the pages the enrich lookups' Call Log queries fetch: they list every call of their
 * period, so a call whose notifications were lost is recovered from the first one that has it, without
 * a request of its own and without waiting for the next scan (the scan stays the guarantee; the ledger
 * and job ids keep a call from going out twice). A call left for being too recent is decided again
 * from the same records once the grace has passed: a delayed `reconcile-recheck` job, no new request.
 * Lost calls come in clusters (an outage, a suspended subscription): once one is found, a scan follows
 * `followUpMs` later (when the log has the calls that ended meanwhile) instead of at the next interval.
 */
export function createLookupRecovery(deps: {
  recovery: Pick<Recovery, 'page'>;
  queues: Pick<Queues, 'maintenance'>;
  graceMs: number;
  /** After a recovery, the next scan runs this soon (the grace plus the Call Log's delay). */
  followUpMs: number;
  logger: Logger;
}) {
  /** One follow-up scan per `followUpMs`, however many lookups found lost calls meanwhile. */
  async function scanSoon() {
    const slot = Math.floor(Date.now() / deps.followUpMs);
    await deps.queues.maintenance.add(
      RECONCILE_JOB,
      {},
      { jobId: `${RECONCILE_JOB}-follow-up-${slot}`, delay: deps.followUpMs, removeOnComplete: 100 },
    );
  }

  async function decide(records: RingCentralCallRecord[], source: string) {
    const tooRecent: RingCentralCallRecord[] = [];
    const tally = await deps.recovery.page(records, {
      via: 'reconcile',
      tooRecent: (call) => tooRecent.push(...call),
    });
    if (recoveredCount(tally) > 0) {
      deps.logger.warn({ recovered: tally.recovered }, `calls recovered from ${source}`);
      await scanSoon();
    }
    return tooRecent;
  }

  return {
    async onCallLogRecords(records: RingCentralCallRecord[]): Promise<void> {
      // The scan asks for voice calls only; the lookups' query has faxes too.
      const calls = records.filter((record) => (record.type ?? 'Voice') === 'Voice');
      const tooRecent = (await decide(calls, 'a Call Log lookup')).slice(0, maxRecheckRecords);
      if (tooRecent.length === 0) return;
      await deps.queues.maintenance.add(
        RECHECK_JOB,
        { records: tooRecent },
        { delay: deps.graceMs + 1_000, removeOnComplete: 100, removeOnFail: 100 },
      );
    },
    recheckJob: {
      name: RECHECK_JOB,
      handler: async (job) => {
        const records = (job.data as { records?: RingCentralCallRecord[] }).records ?? [];
        // Still too recent (a clock apart): the next scan has them.
        await decide(records, 'a recheck of a Call Log lookup');
        return { records: records.length };
      },
    } satisfies MaintenanceJob,
  };
}
