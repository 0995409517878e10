/**
 * The enriched call handed to CRM adapters. `records` are the RingCentral call records exactly as
 * RingCentral returned them (Active Calls or Call Log), recording metadata included.
 */
export type CallSource = 'active-calls' | 'call-log' | 'event';

/** A RingCentral CallLogRecord; only the fields rc-enrich reads are typed, the rest pass through. */
export interface RingCentralCallRecord {
  id: string;
  sessionId: string;
  telephonySessionId?: string;
  partyId?: string;
  startTime: string;
  duration?: number;
  durationMs?: number;
  direction: 'Inbound' | 'Outbound';
  type?: string;
  action?: string;
  result?: string;
  from?: { phoneNumber?: string; extensionNumber?: string; extensionId?: string; name?: string };
  to?: { phoneNumber?: string; extensionNumber?: string; extensionId?: string; name?: string };
  recording?: { id: string; uri: string; type: string; contentUri: string };
  extension?: { id: number | string; uri?: string };
  [field: string]: unknown;
}

/** One party as the telephony-session notifications last described it. */
export interface PartySnapshot {
  id: string;
  accountId?: string;
  extensionId?: string;
  direction?: string;
  status: string;
  reason?: string;
  from?: { phoneNumber?: string; name?: string; extensionId?: string };
  to?: { phoneNumber?: string; name?: string; extensionId?: string };
  missedCall?: boolean;
  recordings?: Array<{ id: string; active?: boolean }>;
  sequence: number;
  eventTime?: string;
}

export interface EnrichedCall {
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  source: CallSource;
  /** Matched RingCentral records; empty when source is 'event'. */
  records: RingCentralCallRecord[];
  /** What the notifications told us, always present (the only data when source is 'event'). */
  parties: PartySnapshot[];
  /** ISO times from our own clock: first notification received, and when the call was seen to end. */
  firstSeenAt: string;
  endedAt: string;
  /**
   * A playable link for each recording in `records` (signed, expiring, served on PUBLIC_URL), added just
   * before delivery when RECORDING_LINK_SECRET is set. Absent when links are off or there is no recording.
   */
  recordings?: RecordingLink[];
  /** Set when the notifications never brought this call here and a recovery read it from the Call Log. */
  recoveredBy?: RecoveredBy;
}

export interface RecordingLink {
  /** RingCentral's recording id (`records[].recording.id`). */
  id: string;
  /** HTTPS when PUBLIC_URL is: plays in a browser, supports Range, needs no RingCentral login. */
  url: string;
  /** ISO time after which the link is refused (RECORDING_LINK_TTL_DAYS). */
  expiresAt: string;
}

/** Who recovered a call the notifications missed: the scheduled reconciler or `rc-enrich backfill`. */
export type RecoveredBy = 'reconcile' | 'backfill';
