import type { EnrichedCall, RingCentralCallRecord } from '../calls/types.js';

/**
 * Reading a call's legs (see legs.ts for what they decide): the Call Log's Detailed `legs[]`, one record
 * per extension (Active Calls), or the notification parties, all as `CallLeg`s.
 */
export interface CallLeg {
  startTime?: string;
  /** The account's extension on this leg (the agent, the IVR, the queue), if any. */
  extensionId?: string;
  name?: string;
  extensionNumber?: string;
  result?: string;
  voicemail: boolean;
  transfer: boolean;
  /** A transfer leg: whom the call was handed to, when RingCentral says. */
  transferTo?: string;
}

/**
 * Whether the legs tell the whole path: the Call Log's Detailed view (`legs[]`) and the notifications
 * do; Active Calls' records (Simple view) may leave out the person who took the call.
 */
export function legsComplete(call: EnrichedCall): boolean {
  return call.records.length === 0 || call.records.some((record) => Array.isArray(record.legs));
}

/** Every leg of the call, oldest first. */
export function legsOf(call: EnrichedCall): CallLeg[] {
  if (call.records.length === 0) return partyLegs(call);
  const direction = call.records[0]!.direction;
  const legs = call.records.flatMap((record) => {
    const nested = Array.isArray(record.legs) ? (record.legs as RingCentralCallRecord[]) : [];
    return nested.length > 0 ? nested : [record];
  });
  return legs.flatMap((leg) => recordLeg(leg, direction)).sort(byStart);
}

/** The extension ids worth looking up to tell people from IVRs and queues. */
export function legExtensions(legs: CallLeg[]): string[] {
  return [...new Set(legs.flatMap((leg) => (leg.extensionId ? [leg.extensionId] : [])))];
}

type Side = { phoneNumber?: string; extensionNumber?: string; extensionId?: string; name?: string };

function recordLeg(leg: RingCentralCallRecord, callDirection: string): CallLeg[] {
  // Our side of the leg: the callee of an inbound leg, the caller of an outbound one.
  const outbound = (leg.direction ?? callDirection) === 'Outbound';
  const ours: Side | undefined = outbound ? leg.from : leg.to;
  const extensionId = leg.extension?.id !== undefined ? String(leg.extension.id) : ours?.extensionId;
  const message = leg.message as { type?: string } | undefined;
  const reason = typeof leg.reason === 'string' ? leg.reason : '';
  const transfer = leg.action === 'Transfer' || leg.legType === 'TransferCall' || /transfer/i.test(reason);
  const target = transfer && leg.to?.extensionId !== extensionId ? leg.to : undefined;
  const own: CallLeg = {
    startTime: leg.startTime,
    ...(extensionId ? { extensionId } : {}),
    ...named(extensionId === ours?.extensionId || !ours?.extensionId ? ours : undefined),
    result: leg.result,
    voicemail: (leg.result ?? '').toLowerCase() === 'voicemail' || message?.type === 'VoiceMail',
    transfer,
    ...(target?.extensionId ? { transferTo: label(target) } : {}),
  };
  if (!target?.extensionId) return [own];
  // The leg names whom the call went to: that person took it over (a later leg may say more).
  const taken: CallLeg = {
    startTime: leg.startTime,
    extensionId: target.extensionId,
    ...named(target),
    result: leg.result,
    voicemail: false,
    transfer: false,
  };
  return [own, taken];
}

function named(side: Side | undefined): Pick<CallLeg, 'name' | 'extensionNumber'> {
  return {
    ...(side?.name ? { name: side.name } : {}),
    ...(side?.extensionNumber ? { extensionNumber: side.extensionNumber } : {}),
  };
}

export function label(side: Side): string {
  return (
    [side.name, side.extensionNumber ? `ext. ${side.extensionNumber}` : undefined]
      .filter(Boolean)
      .join(' ') || `extension ${side.extensionId}`
  );
}

/** Without records: one leg per extension party, from its last status. */
function partyLegs(call: EnrichedCall): CallLeg[] {
  // RingCentral may report the voicemail on the caller's party only: then the extension took no call.
  const toVoicemail = call.parties.some((party) => party.status.toLowerCase() === 'voicemail');
  return call.parties
    .filter((party) => party.extensionId)
    .sort((a, b) => a.sequence - b.sequence)
    .map((party) => {
      const voicemail = toVoicemail && !party.missedCall;
      const side = party.direction?.toLowerCase() === 'outbound' ? party.from : party.to;
      return {
        startTime: party.eventTime,
        extensionId: party.extensionId,
        ...(side?.name ? { name: side.name } : {}),
        // An extension party that left without missing the call took it (or passed it on).
        result: voicemail ? 'Voicemail' : party.missedCall ? 'Missed' : 'Accepted',
        voicemail,
        transfer: party.status.toLowerCase() === 'gone' || /transfer/i.test(party.reason ?? ''),
      };
    });
}

const byStart = (a: CallLeg, b: CallLeg) => (a.startTime ?? '').localeCompare(b.startTime ?? '');
