import type { RingCentralCallRecord } from '../calls/types.js';

/** Why a call had to be recovered from the Call Log (the `reason` label of the recovered metric). */
export type RecoveryReason =
  /** No notification of the call ever reached us (lost, refused while Redis was down, service down). */
  | 'never-notified'
  /** We saw the call start but never its end. */
  | 'end-missing'
  /** It ended, but no lookup is running for it (lost with Redis, or dead-lettered before the record showed). */
  | 'lookup-missing'
  /** Enriched, yet neither the ledger nor a deliver job knows of a delivery to this adapter. */
  | 'delivery-missing';

export const recoveryReasons: RecoveryReason[] = [
  'never-notified',
  'end-missing',
  'lookup-missing',
  'delivery-missing',
];

/** Why a call found in the Call Log is left alone. */
export type LeaveReason =
  'delivered' | 'in-flight' | 'dead-letter' | 'in-progress' | 'too-recent' | 'unidentified';

export type Decision =
  { action: 'leave'; why: LeaveReason } | { action: 'recover'; reason: RecoveryReason; adapters: string[] };

/** BullMQ job states, plus `absent` for no job with that id. */
export type JobState = 'absent' | 'completed' | 'failed' | 'active' | 'waiting' | 'delayed' | string;

/** Everything rc-enrich knows of one call the Call Log lists, read before deciding. */
export interface CallFacts {
  telephonySessionId?: string;
  records: RingCentralCallRecord[];
  /** The configured adapters. */
  adapters: string[];
  /** Adapters the delivered ledger says have the call (delivered or filtered out). */
  inLedger: Set<string>;
  /** The call's deliver job per adapter. */
  deliverJobs: Record<string, JobState>;
  /** Our call state: absent when no notification was ever recorded (or it expired). */
  call: { endedAt?: number; doneAt?: number } | null;
  enrichJob: JobState;
}

const running = (state: JobState) => state !== 'absent' && state !== 'completed' && state !== 'failed';

/** When the call ended according to its records: the latest record's start plus its duration. */
export function recordEnd(records: RingCentralCallRecord[]): number {
  return Math.max(
    ...records.map((record) => {
      const durationMs = record.durationMs ?? (record.duration ?? 0) * 1000;
      return Date.parse(record.startTime) + durationMs;
    }),
  );
}

/**
 * What to do with one call the Call Log lists: leave it (delivered, still in our pipeline, a dead letter
 * for an operator, not over yet, too recent for the notifications to have arrived), or recover it from
 * its record for the adapters that do not have it. Deliver job ids and the ledger make a wrong "recover"
 * harmless (nothing is sent twice); this only keeps the reconciler out of the normal path's way.
 */
export function decideRecovery(facts: CallFacts, now: number, graceMs: number): Decision {
  if (!facts.telephonySessionId) return { action: 'leave', why: 'unidentified' };
  if (facts.records.some((record) => (record.result ?? '').toLowerCase() === 'in progress'))
    return { action: 'leave', why: 'in-progress' };
  const missing = facts.adapters.filter(
    (adapter) => !facts.inLedger.has(adapter) && facts.deliverJobs[adapter] !== 'completed',
  );
  if (missing.length === 0) return { action: 'leave', why: 'delivered' };
  // A deliver job that exists is the normal path at work, or a dead letter an operator decides about.
  const unscheduled = missing.filter((adapter) => (facts.deliverJobs[adapter] ?? 'absent') === 'absent');
  if (unscheduled.length === 0) {
    const dead = missing.some((adapter) => facts.deliverJobs[adapter] === 'failed');
    return { action: 'leave', why: dead ? 'dead-letter' : 'in-flight' };
  }
  const { call } = facts;
  if (call && !call.doneAt && call.endedAt !== undefined && running(facts.enrichJob))
    return { action: 'leave', why: 'in-flight' };
  if (now - recordEnd(facts.records) < graceMs) return { action: 'leave', why: 'too-recent' };
  const reason: RecoveryReason = !call
    ? 'never-notified'
    : call.doneAt
      ? 'delivery-missing'
      : call.endedAt === undefined
        ? 'end-missing'
        : 'lookup-missing';
  return { action: 'recover', reason, adapters: unscheduled };
}
