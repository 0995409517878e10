import { randomAlnum, randomDigits, randomHex, uniform, type Random } from '../random.js';
import type {
  CallDirection,
  FakeExtensionRef,
  NotificationEnvelope,
  PartyRole,
  StartCallOptions,
} from './types.js';

export const ivrDefaults = { extensionId: '62242421016', name: 'IVR Menu 1001' };

export type CallPhase = 'ivr' | 'routing' | 'ringing' | 'answered' | 'held' | 'ended';

export interface PartyState {
  id: string;
  role: PartyRole;
  extensionId?: string;
}

/** Everything the fake knows about one simulated call. Times are `now()` milliseconds. */
export interface CallState {
  index: number;
  random: Random;
  accountId: string;
  telephonySessionId: string;
  sessionId: string;
  serverId: string;
  recordId: string;
  recordingId?: string;
  direction: CallDirection;
  from: string;
  to: string;
  callerName?: string;
  extensionId: string;
  agentName?: string;
  viaIvr: boolean;
  missingFromActiveCalls: boolean;
  missingFromCallLog: boolean;
  deliver: boolean;
  answeredResult: string;
  queue?: FakeExtensionRef;
  missedBy: FakeExtensionRef[];
  transferTo?: FakeExtensionRef;
  voicemail: boolean;
  /** The caller hung up in the IVR or the queue, before any agent rang (`abandon()`). */
  abandoned: boolean;
  phase: CallPhase;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** Drawn at creation so they depend on the seed and call order only. */
  activeCallsDelayMs: number;
  callLogDelayMs: number;
  activeCallsRetentionMs: number;
  /** How long after the end the recording (if any) becomes available. */
  recordingDelayMs: number;
  nextSequence: number;
  parties: { pstn: PartyState; agent: PartyState; ivr?: PartyState };
  notifications: NotificationEnvelope[];
  /** Serialized records of the ended call by view and base URLs: an ended call never changes. */
  recordCache: Map<string, string>;
}

interface Context {
  index: number;
  random: Random;
  now: number;
  accountId: string;
  ownerExtensionId: string;
  mainNumber: string;
  deliver: boolean;
  activeCallsVisibilityMs: [number, number];
  activeCallsRetentionMs: number;
  callLogVisibilityMs: [number, number];
  recordingDelayMs: [number, number];
}

export function createCallState(options: StartCallOptions, ctx: Context): CallState {
  const { random } = ctx;
  const direction = options.direction ?? 'Inbound';
  const hex = randomHex(random, 32);
  const viaIvr = direction === 'Inbound' && (options.viaIvr ?? false);
  const extensionId = options.extensionId ?? ctx.ownerExtensionId;
  const party = (n: number, role: PartyRole, ext?: string): PartyState => ({
    id: `p-${hex}-${n}`,
    role,
    extensionId: ext,
  });
  // Party numbering follows RingCentral's example call flows (see steps.ts): the side that starts the call is 1.
  const parties =
    direction === 'Inbound'
      ? {
          pstn: party(1, 'pstn'),
          ...(viaIvr ? { ivr: party(2, 'ivr', ivrDefaults.extensionId) } : {}),
          agent: party(viaIvr ? 3 : 2, 'agent', extensionId),
        }
      : { agent: party(1, 'agent', extensionId), pstn: party(2, 'pstn') };
  const customer = '+14155550100';
  return {
    index: ctx.index,
    random,
    accountId: ctx.accountId,
    telephonySessionId: `s-${hex}`,
    sessionId: randomDigits(random, 12),
    serverId: '10.13.22.27.TAM',
    recordId: randomAlnum(random, 15),
    recordingId: options.recorded ? randomDigits(random, 11) : undefined,
    direction,
    from: options.from ?? (direction === 'Inbound' ? customer : ctx.mainNumber),
    to: options.to ?? (direction === 'Inbound' ? ctx.mainNumber : customer),
    callerName: options.callerName,
    extensionId,
    agentName: options.agentName,
    viaIvr,
    missingFromActiveCalls: options.missingFromActiveCalls ?? false,
    missingFromCallLog: options.missingFromCallLog ?? false,
    deliver: options.deliverNotifications ?? ctx.deliver,
    answeredResult: options.result ?? 'Call connected',
    queue: direction === 'Inbound' ? options.queue : undefined,
    missedBy: direction === 'Inbound' ? (options.missedBy ?? []) : [],
    transferTo: options.transferTo,
    voicemail: direction === 'Inbound' && (options.voicemail ?? false),
    abandoned: false,
    phase: direction === 'Outbound' ? 'ringing' : viaIvr ? 'ivr' : 'routing',
    startedAt: ctx.now,
    activeCallsDelayMs: uniform(random, ctx.activeCallsVisibilityMs),
    callLogDelayMs: uniform(random, ctx.callLogVisibilityMs),
    activeCallsRetentionMs: ctx.activeCallsRetentionMs,
    // Drawn only when the range is wide, so the default [0, 0] leaves every seeded stream as it was.
    recordingDelayMs:
      options.recordingDelayMs ??
      (ctx.recordingDelayMs[1] > ctx.recordingDelayMs[0]
        ? uniform(random, ctx.recordingDelayMs)
        : ctx.recordingDelayMs[0]),
    nextSequence: 2, // RingCentral's example call flows start at 2 (see steps.ts)
    parties,
    notifications: [],
    recordCache: new Map(),
  };
}

export const activeCallsVisibleAt = (c: CallState) =>
  c.endedAt === undefined ? undefined : c.endedAt + c.activeCallsDelayMs;
export const activeCallsGoneAt = (c: CallState) =>
  c.endedAt === undefined ? undefined : c.endedAt + c.activeCallsRetentionMs;
export const callLogVisibleAt = (c: CallState) =>
  c.endedAt === undefined ? undefined : c.endedAt + c.callLogDelayMs;

/**
 * Active Calls holds answered calls in progress, then the finished record from end + delay until
 * end + retention. Between the end and the delay the call is in neither state: not listed.
 */
export function inActiveCalls(c: CallState, now: number): boolean {
  // Active Calls lists calls connected to an agent, never one abandoned in the IVR or the queue.
  if (c.missingFromActiveCalls || c.abandoned) return false;
  if (c.endedAt === undefined) return c.answeredAt !== undefined;
  return now >= c.endedAt + c.activeCallsDelayMs && now < c.endedAt + c.activeCallsRetentionMs;
}

/** A recording exists once the answered, recorded call has ended and its processing delay passed. */
export function recordingAvailable(c: CallState, now: number): boolean {
  return (
    c.recordingId !== undefined &&
    c.answeredAt !== undefined &&
    c.endedAt !== undefined &&
    now >= c.endedAt + c.recordingDelayMs
  );
}

export function inCallLog(c: CallState, now: number): boolean {
  return !c.missingFromCallLog && c.endedAt !== undefined && now >= c.endedAt + c.callLogDelayMs;
}

export const involves = (c: CallState, extensionId: string) =>
  c.extensionId === extensionId ||
  c.parties.ivr?.extensionId === extensionId ||
  c.queue?.extensionId === extensionId ||
  c.transferTo?.extensionId === extensionId ||
  c.missedBy.some((member) => member.extensionId === extensionId);

/** The record's `result`: in progress, the answered result, or Missed / No Answer. */
export function resultOf(c: CallState): string {
  if (c.endedAt === undefined) return 'In Progress';
  if (c.answeredAt !== undefined) return c.answeredResult;
  // Abandoned in the IVR: the IVR took the call; abandoned while queued: the queue missed it.
  if (c.abandoned) return c.viaIvr ? 'Accepted' : 'Missed';
  if (c.voicemail) return 'Voicemail';
  return c.direction === 'Inbound' ? 'Missed' : 'No Answer';
}
