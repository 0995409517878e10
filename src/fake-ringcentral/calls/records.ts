import { ivrDefaults, recordingAvailable, resultOf, type CallState } from './state.js';

export interface RecordContext {
  baseUrl: string;
  mediaBaseUrl: string;
  now: number;
  view: 'Simple' | 'Detailed';
}

/** The spec types extension ids as int64: numeric ids go out as JSON numbers. */
const numericId = (id: string): number | string =>
  /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;

const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function recordingMeta(c: CallState, ctx: Pick<RecordContext, 'baseUrl' | 'mediaBaseUrl' | 'now'>) {
  if (!c.recordingId || !recordingAvailable(c, ctx.now)) return undefined;
  const path = `/restapi/v1.0/account/${c.accountId}/recording/${c.recordingId}`;
  return {
    id: c.recordingId,
    uri: `${ctx.baseUrl}${path}`,
    type: 'Automatic',
    contentUri: `${ctx.mediaBaseUrl}${path}/content`,
  };
}

/**
 * One CallLogRecord per call (https://developers.ringcentral.com/guide/voice/finding-active-calls), from the agent's side, as both Active Calls and the Call
 * Log return it. Detailed view adds `legs` and `lastModifiedTime`.
 */
export function toCallLogRecord(c: CallState, ctx: RecordContext): Record<string, unknown> {
  const end = c.endedAt ?? ctx.now;
  const durationMs = Math.max(0, end - c.startedAt);
  const result = resultOf(c);
  const ended = c.endedAt !== undefined;
  const reason = !ended
    ? undefined
    : c.answeredAt === undefined
      ? result
      : c.direction === 'Inbound'
        ? 'Accepted'
        : 'Call connected';
  const agent = compact({
    phoneNumber: c.direction === 'Inbound' ? c.to : c.from,
    name: c.agentName,
    extensionId: c.extensionId,
  });
  // Abandoned in the IVR or the queue: nobody else took the call, the record is theirs.
  const taker = !c.abandoned
    ? undefined
    : c.parties.ivr
      ? { extensionId: ivrDefaults.extensionId, name: ivrDefaults.name }
      : c.queue;
  const ours = taker ? compact({ phoneNumber: c.to, ...taker }) : agent;
  const ourExtension = taker?.extensionId ?? c.extensionId;
  const customer = compact({ phoneNumber: c.direction === 'Inbound' ? c.from : c.to, name: c.callerName });
  const extensionUri = (id: string) => `${ctx.baseUrl}/restapi/v1.0/account/${c.accountId}/extension/${id}`;
  const extension = (id: string) => ({ id: numericId(id), uri: extensionUri(id) });
  const message =
    c.voicemail && ended && c.answeredAt === undefined
      ? {
          id: `${c.sessionId}1`,
          type: 'VoiceMail',
          uri: `${extensionUri(c.extensionId)}/message-store/${c.sessionId}1`,
        }
      : undefined;
  const common = compact({
    startTime: new Date(c.startedAt).toISOString(),
    duration: Math.round(durationMs / 1000),
    durationMs,
    type: 'Voice',
    direction: c.direction,
    action: 'Phone Call',
    result,
    reason,
    from: c.direction === 'Inbound' ? customer : ours,
    to: c.direction === 'Inbound' ? ours : customer,
    extension: extension(ourExtension),
    transport: 'PSTN',
    telephonySessionId: c.telephonySessionId,
    partyId: taker ? (c.parties.ivr?.id ?? c.parties.pstn.id) : c.parties.agent.id,
    message,
  });
  const record: Record<string, unknown> = {
    uri: `${extensionUri(ourExtension)}/call-log/${c.recordId}?view=${ctx.view}`,
    id: c.recordId,
    sessionId: c.sessionId,
    ...common,
    ...(ended ? { recording: recordingMeta(c, ctx) } : {}),
  };
  if (!record.recording) delete record.recording;
  if (ctx.view === 'Detailed') {
    // A recording that arrives late modifies the record (what a sync or a lastModifiedTime reader sees).
    const modified = record.recording ? end + c.recordingDelayMs : end;
    record.lastModifiedTime = new Date(modified).toISOString();
    record.legs = detailedLegs(c, common, taker, extension);
  }
  return record;
}

type Leg = Record<string, unknown>;

/**
 * The legs of the Detailed view (`CallLogRecordLegInfo`), the master leg (ours) first: the IVR, the
 * queue, the members rung before the agent (Missed), the agent, a transfer. Each leg starts a
 * millisecond after the one before it, so their order is the call's.
 */
function detailedLegs(
  c: CallState,
  common: Leg,
  taker: { extensionId: string; name?: string } | undefined,
  extension: (id: string) => { id: number | string; uri: string },
): Leg[] {
  const at = (offsetMs: number) => new Date(c.startedAt + offsetMs).toISOString();
  const toExtension = (
    ref: { extensionId: string; name?: string },
    offsetMs: number,
    result: string,
  ): Leg => ({
    ...common,
    startTime: at(offsetMs),
    to: compact({ phoneNumber: c.to, name: ref.name, extensionId: ref.extensionId }),
    extension: extension(ref.extensionId),
    result,
    legType: 'PstnToSip',
    master: false,
    partyId: undefined,
    message: undefined,
  });
  const before = [
    ...(c.parties.ivr ? [{ extensionId: ivrDefaults.extensionId, name: ivrDefaults.name }] : []),
    ...(c.queue ? [c.queue] : []),
  ];
  const legType = c.direction === 'Inbound' ? 'PstnToSip' : 'SipToPstnMetered';
  const main: Leg = { ...common, legType, master: true };
  // The caller left before the call went any further.
  if (taker) return [main];
  const rang = before.length + c.missedBy.length;
  const legs: Leg[] = [{ ...main, ...(rang > 0 ? { startTime: at(rang) } : {}) }];
  before.forEach((ref, i) => {
    const leg = toExtension(ref, i, 'Accepted');
    legs.push(ref.extensionId === ivrDefaults.extensionId ? { ...leg, partyId: c.parties.ivr?.id } : leg);
  });
  c.missedBy.forEach((member, i) =>
    legs.push({ ...toExtension(member, before.length + i, 'Missed'), legType: 'Accept' }),
  );
  if (c.transferTo && c.answeredAt !== undefined) {
    legs.push({
      ...common,
      startTime: at(Math.max(rang + 1, c.answeredAt - c.startedAt + 1)),
      direction: 'Outbound',
      action: 'Transfer',
      legType: 'TransferCall',
      result: 'Call connected',
      from: compact({ name: c.agentName, extensionId: c.extensionId }),
      to: compact({ name: c.transferTo.name, extensionId: c.transferTo.extensionId }),
      extension: extension(c.extensionId),
      master: false,
      partyId: undefined,
    });
  }
  return legs.map((leg) => compact(leg));
}

/**
 * The record as JSON text. Ended calls change once at most (when a late recording arrives), so their
 * text is built once per view, base URL and recording state: listing hundreds of ended calls
 * thousands of times stays cheap.
 */
export function recordJson(c: CallState, ctx: RecordContext): string {
  if (c.endedAt === undefined) return JSON.stringify(toCallLogRecord(c, ctx));
  const key = `${ctx.view} ${ctx.baseUrl} ${ctx.mediaBaseUrl} ${recordingAvailable(c, ctx.now)}`;
  let text = c.recordCache.get(key);
  if (text === undefined) {
    text = JSON.stringify(toCallLogRecord(c, ctx));
    c.recordCache.set(key, text);
  }
  return text;
}
