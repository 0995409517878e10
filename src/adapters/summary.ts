import type { CallSource, EnrichedCall, PartySnapshot, RingCentralCallRecord } from '../calls/types.js';
import type { CallHandling } from './legs.js';
import { callOutcomes, outcomeOf, type OutcomeMap } from './outcome.js';
import { displayPhone, toE164 } from './phone.js';

/** One side of a call as adapters see it. */
export interface CallEndpoint {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
}

/** The facts CRM adapters need, from the RingCentral records when there are some, else the notifications. */
export interface CallSummary {
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  source: CallSource;
  /** ISO start time. */
  startTime: string;
  durationSec: number;
  /** True when only notifications were available: first event to end, ringing included (an upper bound). */
  durationEstimated: boolean;
  direction: 'inbound' | 'outbound';
  /** Both sides are extensions of the account. */
  internal: boolean;
  from: CallEndpoint;
  to: CallEndpoint;
  /** E.164 number of the party outside the account (the caller of an inbound call, the callee of an outbound one). */
  externalNumber?: string;
  /** RingCentral's `result` (for notification-only calls, what the notifications imply, if anything). */
  result?: string;
  /**
   * The recording's playable link (served by rc-enrich, see `EnrichedCall.recordings`); without
   * RECORDING_LINK_SECRET, RingCentral's content URI, which only plays with a RingCentral token.
   */
  recordingUrl?: string;
}

export function summarizeCall(call: EnrichedCall, outcomes?: OutcomeMap): CallSummary {
  const base = {
    telephonySessionId: call.telephonySessionId,
    sessionId: call.sessionId,
    accountId: call.accountId,
    source: call.source,
  };
  const facts = call.records.length > 0 ? fromRecords(call.records, outcomes) : fromParties(call);
  const internal = isInternal(facts.from) && isInternal(facts.to);
  const external = internal ? undefined : facts.direction === 'inbound' ? facts.from : facts.to;
  // A link rc-enrich serves plays in the CRM; RingCentral's own URI would ask the user to log in.
  const recordingUrl = call.recordings?.[0]?.url ?? facts.recordingUrl;
  return { ...base, ...facts, recordingUrl, internal, externalNumber: toE164(external?.phoneNumber) };
}

type Facts = Omit<CallSummary, 'telephonySessionId' | 'sessionId' | 'accountId' | 'source' | 'internal'>;

function fromRecords(unsorted: RingCentralCallRecord[], outcomes?: OutcomeMap): Facts {
  const records = [...unsorted].sort((a, b) => a.startTime.localeCompare(b.startTime));
  const primary = records[0]!;
  // A queue call has one record per member: the call was answered if any member answered it.
  const rank = (record: RingCentralCallRecord) => callOutcomes.indexOf(outcomeOf(record.result, outcomes));
  const best = records.reduce((winner, record) => (rank(record) < rank(winner) ? record : winner), primary);
  const seconds = (record: RingCentralCallRecord) =>
    record.duration ?? (record.durationMs !== undefined ? record.durationMs / 1000 : 0);
  return {
    startTime: primary.startTime,
    durationSec: Math.round(Math.max(...records.map(seconds))),
    durationEstimated: false,
    direction: primary.direction === 'Outbound' ? 'outbound' : 'inbound',
    from: endpoint(primary.from),
    to: endpoint(primary.to),
    result: best.result,
    recordingUrl: records.find((record) => record.recording?.contentUri)?.recording?.contentUri,
  };
}

function fromParties(call: EnrichedCall): Facts {
  // Prefer a party of one of our users (it has an extensionId): its from/to describe the call for us.
  const party: PartySnapshot | undefined =
    call.parties.find((p) => p.extensionId && (p.from || p.to)) ?? call.parties.find((p) => p.from || p.to);
  const started = Date.parse(call.firstSeenAt);
  const ended = Date.parse(call.endedAt);
  const status = (p: PartySnapshot) => p.status.toLowerCase();
  const result = call.parties.some((p) => status(p) === 'voicemail')
    ? 'Voicemail'
    : call.parties.some((p) => p.missedCall)
      ? 'Missed'
      : undefined;
  return {
    startTime: call.firstSeenAt,
    durationSec: Number.isFinite(ended - started) ? Math.max(0, Math.round((ended - started) / 1000)) : 0,
    durationEstimated: true,
    direction: party?.direction?.toLowerCase() === 'outbound' ? 'outbound' : 'inbound',
    from: endpoint(party?.from),
    to: endpoint(party?.to),
    result,
  };
}

function endpoint(side: Record<string, unknown> | undefined): CallEndpoint {
  const pick = (key: string) => (typeof side?.[key] === 'string' && side[key] !== '' ? side[key] : undefined);
  return {
    phoneNumber: pick('phoneNumber'),
    extensionNumber: pick('extensionNumber'),
    extensionId: pick('extensionId'),
    name: pick('name'),
  };
}

function isInternal(side: CallEndpoint): boolean {
  return side.extensionNumber !== undefined || side.extensionId !== undefined;
}

/**
 * A title and plain-text lines describing the call, for CRM bodies; each adapter joins them its own way.
 * `handling` (legs.ts) adds the result that decided the outcome and the call's path when it had several legs.
 */
export function describeCall(
  summary: CallSummary,
  outcomeLabel: string,
  handling?: Pick<CallHandling, 'result' | 'path'>,
): { title: string; lines: string[] } {
  const who = (side: CallEndpoint) =>
    [
      displayPhone(side.phoneNumber) ?? (side.extensionNumber ? `ext. ${side.extensionNumber}` : undefined),
      side.name,
    ]
      .filter(Boolean)
      .join(' ') || 'unknown';
  const title = summary.internal
    ? `Internal call from ${who(summary.from)} to ${who(summary.to)}`
    : summary.direction === 'inbound'
      ? `Inbound call from ${who(summary.from)}`
      : `Outbound call to ${who(summary.to)}`;
  const minutes = Math.floor(summary.durationSec / 60);
  const duration = `${minutes > 0 ? `${minutes} min ` : ''}${summary.durationSec % 60} s`;
  const result = handling?.result ?? summary.result;
  const path =
    handling && handling.path.length > 1 ? ['Call path:', ...handling.path.map((step) => `- ${step}`)] : [];
  const lines = [
    `Result: ${outcomeLabel}${result ? ` (RingCentral: ${result})` : ''}`,
    `Duration: ${duration}${summary.durationEstimated ? ' (estimated from call events)' : ''}`,
    `From: ${who(summary.from)}`,
    `To: ${who(summary.to)}`,
    ...path,
    ...(summary.recordingUrl ? [`Recording: ${summary.recordingUrl}`] : []),
    `RingCentral session: ${summary.sessionId} (telephony session ${summary.telephonySessionId})`,
  ];
  return { title, lines };
}
