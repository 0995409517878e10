import type { RingCentralCallRecord } from '../calls/types.js';

export type MatchResult =
  { status: 'matched'; records: RingCentralCallRecord[] } | { status: 'in-progress' } | { status: 'absent' };

/** Only a finished record matches: while any of the call's records is still `In Progress`, keep looking. */
export function matchRecords(records: RingCentralCallRecord[]): MatchResult {
  if (records.length === 0) return { status: 'absent' };
  if (records.some((record) => (record.result ?? '').toLowerCase() === 'in progress')) {
    return { status: 'in-progress' };
  }
  return { status: 'matched', records: [...records].sort((a, b) => a.startTime.localeCompare(b.startTime)) };
}
