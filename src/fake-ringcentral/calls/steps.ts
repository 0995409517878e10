import type { CallPhase, CallState } from './state.js';
import type { EmitOptions } from './types.js';

/**
 * The call script: each step moves the call on and lists the party events it causes, in the order
 * RingCentral emits them in RingCentral's example call flows (https://github.com/dibyenduroy/csn-data, linked from
 * https://developers.ringcentral.com/guide/voice/telephony-session-notifications).
 * Steps called out of order throw.
 */
type Step = (c: CallState, now: number) => EmitOptions[];

const ev = (party: EmitOptions['party'], code: string, extra: Partial<EmitOptions> = {}): EmitOptions => ({
  party,
  code,
  ...extra,
});

function expectPhase(c: CallState, step: string, allowed: CallPhase[]): void {
  if (!allowed.includes(c.phase)) {
    throw new Error(`call ${c.telephonySessionId}: cannot ${step} while ${c.phase}`);
  }
}

/** Inbound: PSTN Setup, then (IVR) IVR Setup and the caller's leg Answered by it. Outbound: the agent dials. */
export const start: Step = (c) => {
  if (c.direction === 'Outbound')
    return [ev('agent', 'Setup'), ev('pstn', 'Proceeding'), ev('agent', 'Proceeding')];
  return c.viaIvr ? [ev('pstn', 'Setup'), ev('ivr', 'Setup'), ev('pstn', 'Answered')] : [ev('pstn', 'Setup')];
};

/** The call reaches the agent's phone; the IVR leaves first (its Disconnected precedes the agent's Setup). */
export const ring: Step = (c) => {
  if (c.phase === 'ringing') return [];
  expectPhase(c, 'ring', ['ivr', 'routing']);
  const ivrLeaves = c.phase === 'ivr' ? [ev('ivr', 'Disconnected')] : [];
  c.phase = 'ringing';
  return [...ivrLeaves, ev('agent', 'Setup'), ev('agent', 'Proceeding')];
};

export const answer: Step = (c, now) => {
  const before = c.phase === 'ivr' || c.phase === 'routing' ? ring(c, now) : [];
  expectPhase(c, 'answer', ['ringing']);
  c.phase = 'answered';
  c.answeredAt = now;
  if (c.direction === 'Outbound') return [...before, ev('pstn', 'Answered'), ev('agent', 'Answered')];
  return [...before, ev('agent', 'Answered'), ...(c.viaIvr ? [] : [ev('pstn', 'Answered')])];
};

export const hold: Step = (c) => {
  expectPhase(c, 'hold', ['answered']);
  c.phase = 'held';
  return [ev('agent', 'Hold')];
};

export const unhold: Step = (c) => {
  expectPhase(c, 'unhold', ['held']);
  c.phase = 'answered';
  return [ev('agent', 'Answered')];
};

/**
 * Every remaining party disconnects, agent before caller; an unanswered inbound call is a missed one, or,
 * with `voicemail`, goes to the agent's mailbox first.
 */
export const hangUp: Step = (c, now) => {
  const before = c.phase === 'ivr' || c.phase === 'routing' ? ring(c, now) : [];
  expectPhase(c, 'hang up', ['ringing', 'answered', 'held']);
  const unanswered = c.answeredAt === undefined && c.direction === 'Inbound';
  c.phase = 'ended';
  c.endedAt = now;
  const mailbox = unanswered && c.voicemail ? [ev('agent', 'VoiceMail')] : [];
  return [
    ...before,
    ...mailbox,
    ev('agent', 'Disconnected', { missedCall: unanswered && !c.voicemail }),
    ev('pstn', 'Disconnected'),
  ];
};

/** Inbound: the caller hangs up in the IVR menu or the queue, before any agent's phone rang. */
export const abandon: Step = (c, now) => {
  expectPhase(c, 'abandon', ['ivr', 'routing']);
  const ivrLeaves = c.phase === 'ivr' ? [ev('ivr', 'Disconnected')] : [];
  c.phase = 'ended';
  c.endedAt = now;
  c.abandoned = true;
  return [...ivrLeaves, ev('pstn', 'Disconnected')];
};
