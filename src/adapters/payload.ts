import type { EnrichedCall } from '../calls/types.js';
import type { CallChange } from '../late-data/decide.js';

/**
 * The JSON document the webhook, stdout and file adapters send: Standard Webhooks' `{ type, timestamp,
 * data }`, with the records exactly as RingCentral returned them (recording metadata included) and,
 * when recording links are on, `recordings`: one playable link per recording.
 * `timestamp` is when the call ended, so the body is identical on every attempt.
 */
export interface CallEnrichedEvent {
  type: 'call.enriched';
  timestamp: string;
  data: Pick<
    EnrichedCall,
    | 'telephonySessionId'
    | 'sessionId'
    | 'accountId'
    | 'source'
    | 'records'
    | 'parties'
    | 'firstSeenAt'
    | 'endedAt'
    | 'recordings'
    | 'recoveredBy'
  >;
}

export function callEnrichedEvent(call: EnrichedCall): CallEnrichedEvent {
  return {
    type: 'call.enriched',
    timestamp: call.endedAt,
    data: {
      telephonySessionId: call.telephonySessionId,
      sessionId: call.sessionId,
      accountId: call.accountId,
      source: call.source,
      records: call.records,
      parties: call.parties,
      firstSeenAt: call.firstSeenAt,
      endedAt: call.endedAt,
      ...(call.recordings ? { recordings: call.recordings } : {}),
      // Present only on calls read from the Call Log after their notifications were lost.
      ...(call.recoveredBy ? { recoveredBy: call.recoveredBy } : {}),
    },
  };
}

/**
 * Sent when a delivered call gains data: `call.updated`, the same call identity (telephonySessionId,
 * sessionId, accountId) and the whole call as it is now, with `changes` saying what is new
 * ('recording': a recording and its link; 'records': RingCentral's record for a call first sent from
 * notifications alone). Receivers update the record they keep for the call; it is never a new call.
 */
export interface CallUpdatedEvent {
  type: 'call.updated';
  timestamp: string;
  data: CallEnrichedEvent['data'] & { changes: CallChange[] };
}

export function callUpdatedEvent(call: EnrichedCall, changes: CallChange[]): CallUpdatedEvent {
  const { timestamp, data } = callEnrichedEvent(call);
  return { type: 'call.updated', timestamp, data: { ...data, changes } };
}
