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
 * One CallLogRecord per call (docs §3.3), from the agent's side, as both Active Calls and the Call
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
  const customer = compact({ phoneNumber: c.direction === 'Inbound' ? c.from : c.to, name: c.callerName });
  const extensionUri = (id: string) => `${ctx.baseUrl}/restapi/v1.0/account/${c.accountId}/extension/${id}`;
  const common = compact({
    startTime: new Date(c.startedAt).toISOString(),
    duration: Math.round(durationMs / 1000),
    durationMs,
    type: 'Voice',
    direction: c.direction,
    action: 'Phone Call',
    result,
    reason,
    from: c.direction === 'Inbound' ? customer : agent,
    to: c.direction === 'Inbound' ? agent : customer,
    extension: { id: numericId(c.extensionId), uri: extensionUri(c.extensionId) },
    transport: 'PSTN',
    telephonySessionId: c.telephonySessionId,
    partyId: c.parties.agent.id,
  });
  const record: Record<string, unknown> = {
    uri: `${extensionUri(c.extensionId)}/call-log/${c.recordId}?view=${ctx.view}`,
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
    const legType = c.direction === 'Inbound' ? 'PstnToSip' : 'SipToPstnMetered';
    const legs: Record<string, unknown>[] = [{ ...common, legType, master: true }];
    if (c.parties.ivr) {
      const ivr = { phoneNumber: c.to, name: ivrDefaults.name, extensionId: ivrDefaults.extensionId };
      legs.push({
        ...common,
        to: ivr,
        extension: { id: numericId(ivrDefaults.extensionId), uri: extensionUri(ivrDefaults.extensionId) },
        partyId: c.parties.ivr.id,
        legType: 'PstnToSip',
        master: false,
      });
    }
    record.legs = legs;
  }
  return record;
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
