import { ivrDefaults, type CallState } from './state.js';
import type { EmitOptions, PartyInfo, TelephonyParty, TelephonySessionBody } from './types.js';

const telephonyFilter = (accountId: string, extensionId?: string) =>
  extensionId
    ? `/restapi/v1.0/account/${accountId}/extension/${extensionId}/telephony/sessions`
    : `/restapi/v1.0/account/${accountId}/telephony/sessions`;

/** Who the party talks to and from, shaped like RingCentral's example call flows (see steps.ts). */
function endpoints(
  c: CallState,
  role: EmitOptions['party'],
  code: string,
): { from: PartyInfo; to: PartyInfo } {
  const agent: PartyInfo = { phoneNumber: c.to, name: c.agentName, extensionId: c.extensionId };
  if (c.direction === 'Outbound') {
    const from: PartyInfo = { phoneNumber: c.from, extensionId: c.extensionId };
    if (role === 'pstn') return { from: { ...from, name: c.agentName }, to: { phoneNumber: c.to } };
    return { from, to: { phoneNumber: c.to } };
  }
  const caller: PartyInfo = { phoneNumber: c.from, name: c.callerName };
  const ivr: PartyInfo = { phoneNumber: c.to, name: ivrDefaults.name, extensionId: ivrDefaults.extensionId };
  if (role === 'ivr') return { from: { phoneNumber: c.from }, to: ivr };
  if (role === 'agent') return { from: caller, to: agent };
  // After Setup the caller's leg names whoever took the call: the IVR (it keeps doing so, stream D) or the agent.
  const target = code === 'Setup' ? { phoneNumber: c.to } : c.viaIvr ? ivr : agent;
  return { from: caller, to: target };
}

const clean = (info: PartyInfo): PartyInfo =>
  Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as PartyInfo;

export function partyEvent(c: CallState, spec: EmitOptions, sequence: number, eventTime: string) {
  const state = c.parties[spec.party];
  if (!state) throw new Error(`call ${c.telephonySessionId} has no ${spec.party} party`);
  const { from, to } = endpoints(c, spec.party, spec.code);
  // Caller's technical direction is Outbound on inbound calls and vice versa (the example call flows).
  const direction = (spec.party === 'pstn') === (c.direction === 'Inbound') ? 'Outbound' : 'Inbound';
  const recordings =
    spec.recordings ??
    (spec.party === 'agent' && c.recordingId && c.answeredAt !== undefined
      ? [{ id: c.recordingId, active: spec.code !== 'Disconnected' }]
      : undefined);
  const party: TelephonyParty = {
    accountId: c.accountId,
    ...(state.extensionId ? { extensionId: state.extensionId } : {}),
    id: state.id,
    direction,
    to: clean(to),
    from: clean(from),
    status: { code: spec.code, ...(spec.reason ? { reason: spec.reason } : {}), rcc: false },
    ...(recordings ? { recordings } : {}),
    park: {},
    missedCall: spec.missedCall ?? false,
    standAlone: false,
    muted: false,
  };
  const body: TelephonySessionBody = {
    sequence,
    sessionId: c.sessionId,
    telephonySessionId: c.telephonySessionId,
    serverId: c.serverId,
    eventTime,
    parties: [party],
    origin: { type: 'Call' },
  };
  // Account-level subscriptions still see extension parties under the extension's filter (stream D).
  return { event: telephonyFilter(c.accountId, state.extensionId), body };
}

export type PartyEvent = ReturnType<typeof partyEvent>;
