import type { EnrichedCall, RingCentralCallRecord } from '../calls/types.js';

/** What a delivered call may still gain from RingCentral. */
export type CallChange = 'recording' | 'records';

/** A delivered call being watched for late data, for one adapter. */
export interface LateDataWatch {
  telephonySessionId: string;
  accountId: string;
  adapter: string;
  wants: CallChange;
  /** The call as delivered. */
  call: EnrichedCall;
  /** Epoch ms: when the watch started, and how many Call Log checks found nothing yet. */
  since: number;
  misses: number;
}

/** RingCentral: most recordings are ready within minutes, some take up to 30. */
export const RECORDING_PATIENCE_MS = 35 * 60_000;
/** A call RingCentral's Call Log still lacks after this is not coming. */
export const RECORDS_PATIENCE_MS = 60 * 60_000;

/**
 * What a just-delivered call may still gain, if anything: a recording the notifications announced
 * but the records did not carry yet, or RingCentral's record for a call delivered from notifications.
 */
export function lateDataWanted(call: EnrichedCall): CallChange | undefined {
  if (call.records.length === 0) return 'records';
  const announced = call.parties.some((party) => (party.recordings?.length ?? 0) > 0);
  const carried = call.records.some((record) => record.recording?.contentUri);
  return announced && !carried ? 'recording' : undefined;
}

export type LateDataVerdict =
  | { kind: 'update'; call: EnrichedCall; changes: CallChange[] }
  | { kind: 'wait'; nextCheckAt: number }
  | { kind: 'give-up'; reason: string };

/**
 * The verdict on one watch after a Call Log read: update the CRM with what arrived, look again
 * later (backing off 1, 2, 4, 8, then every 10 check intervals), or give up once RingCentral's own
 * delay is long past.
 */
export function decideLateData(
  watch: LateDataWatch,
  found: RingCentralCallRecord[],
  now: number,
  intervalMs: number,
): LateDataVerdict {
  const withRecording = found.filter((record) => record.recording?.contentUri);
  if (watch.wants === 'recording' && withRecording.length > 0) {
    return { kind: 'update', call: { ...watch.call, records: found }, changes: ['recording'] };
  }
  if (watch.wants === 'records' && found.length > 0) {
    const changes: CallChange[] = withRecording.length > 0 ? ['records', 'recording'] : ['records'];
    return { kind: 'update', call: { ...watch.call, source: 'call-log', records: found }, changes };
  }
  const patience = watch.wants === 'recording' ? RECORDING_PATIENCE_MS : RECORDS_PATIENCE_MS;
  if (now - watch.since >= patience) {
    return {
      kind: 'give-up',
      reason:
        watch.wants === 'recording'
          ? `no recording in RingCentral's Call Log ${Math.round(patience / 60_000)} minutes after delivery`
          : `the call never appeared in RingCentral's Call Log within ${Math.round(patience / 60_000)} minutes`,
    };
  }
  const backoffMs = Math.min(10 * intervalMs, intervalMs * 2 ** watch.misses);
  return { kind: 'wait', nextCheckAt: now + backoffMs };
}

/** The Call Log range that covers every watched call, with a minute of slack on each side. */
export function callLogRange(watches: LateDataWatch[]): { dateFrom: string; dateTo: string } {
  const starts = watches.map((watch) => Date.parse(watch.call.firstSeenAt));
  const ends = watches.map((watch) => Date.parse(watch.call.endedAt));
  return {
    dateFrom: new Date(Math.min(...starts) - 60_000).toISOString(),
    dateTo: new Date(Math.max(...ends) + 60_000).toISOString(),
  };
}
