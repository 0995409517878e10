import { label, type CallLeg } from './call-legs.js';
import { outcomeOf, type CallOutcome, type OutcomeMap } from './outcome.js';

/**
 * A call that went through an IVR, a queue or a transfer has several legs (call-legs.ts reads them from
 * whatever RingCentral gave). This module decides, as a pure function, what the caller lived: the
 * outcome, who finally handled the call, and the path it took (for the CRM record's body).
 */

/** What an extension is, from RingCentral's extension `type` (User, IvrMenu, Department = call queue, …). */
export type ExtensionKind = 'person' | 'ivr' | 'queue' | 'other' | 'unknown';

export function extensionKind(type: string | undefined): ExtensionKind {
  switch (type) {
    case undefined:
      return 'unknown';
    case 'User':
    case 'DigitalUser':
    case 'VirtualUser':
      return 'person';
    case 'IvrMenu':
      return 'ivr';
    case 'Department': // RingCentral's API name for a call queue
      return 'queue';
    default:
      return 'other';
  }
}

export interface CallHandler {
  extensionId: string;
  name?: string;
  extensionNumber?: string;
}

/** Why the record goes (or does not go) to a person. */
export type HandlingBasis =
  | 'answered' // a person took the call (the last one, after transfers)
  | 'placed' // an outbound call: the person who dialled
  | 'voicemail' // left in a person's mailbox (handler set) or a shared one (no handler)
  | 'nobody-answered' // people rang, nobody picked up
  | 'before-extension' // ended in the IVR or the queue before any person rang
  | 'unidentified'; // answered, but the records (Simple view, no legs) name no person

export interface CallHandling {
  outcome: CallOutcome;
  /** The RingCentral result the outcome comes from. */
  result?: string;
  handler?: CallHandler;
  basis: HandlingBasis;
  /** The path of the call in words, one line per leg, for the record's body. */
  path: string[];
}

/**
 * The call as the caller lived it. `kindOf` says what each extension is; 'unknown' (RingCentral could
 * not be asked) counts as a person, since most extensions that take calls are people.
 */
export function decideHandling(input: {
  direction: 'inbound' | 'outbound';
  legs: CallLeg[];
  /** The call's own result (the first record's), for what the legs do not say. */
  result?: string;
  kindOf: (extensionId: string) => ExtensionKind;
  /** False when the legs may leave people out (see `legsComplete`): then no leg to a person proves nothing. */
  complete?: boolean;
  outcomes?: OutcomeMap;
}): CallHandling {
  const { legs, kindOf, outcomes } = input;
  const outcome = (result?: string) => outcomeOf(result, outcomes);
  const isPerson = (leg: CallLeg) =>
    leg.extensionId !== undefined && ['person', 'unknown'].includes(kindOf(leg.extensionId));
  const people = legs.filter(isPerson);
  const answered = people.filter((leg) => !leg.voicemail && outcome(leg.result) === 'connected');
  const path = describePath(legs, kindOf, outcomes);
  const overall = outcome(input.result);

  if (input.direction === 'outbound') {
    const placer = people[0];
    const last = answered.at(-1) ?? placer;
    return {
      outcome: overall === 'unknown' && answered.length > 0 ? 'connected' : overall,
      result: input.result,
      ...(last ? { handler: handlerOf(last) } : {}),
      basis: last && last !== placer ? 'answered' : 'placed',
      path,
    };
  }
  const taker = answered.at(-1);
  if (taker)
    return { outcome: 'connected', result: taker.result, handler: handlerOf(taker), basis: 'answered', path };
  const mailbox = [...legs].reverse().find((leg) => leg.voicemail || outcome(leg.result) === 'voicemail');
  if (mailbox || overall === 'voicemail') {
    const owner = mailbox && isPerson(mailbox) ? mailbox : undefined;
    return {
      outcome: 'voicemail',
      result: mailbox?.result ?? input.result,
      ...(owner ? { handler: handlerOf(owner) } : {}),
      basis: 'voicemail',
      path,
    };
  }
  // Records without legs that name only a queue (or nothing) may have left out the agent who answered;
  // a call that only an IVR menu took was abandoned there.
  const onlyIvr =
    legs.some((leg) => leg.extensionId) &&
    legs.every((leg) => !leg.extensionId || kindOf(leg.extensionId) === 'ivr');
  if (people.length === 0 && input.complete === false && overall === 'connected' && !onlyIvr)
    return { outcome: 'connected', result: input.result, basis: 'unidentified', path };
  if (people.length === 0) {
    // Never reached a person: the caller gave up in the IVR or the queue (unless the call failed).
    const failed = ['busy', 'rejected', 'failed'].includes(overall);
    return { outcome: failed ? overall : 'abandoned', result: input.result, basis: 'before-extension', path };
  }
  const rang = ['abandoned', 'busy', 'rejected', 'failed', 'no-answer'].includes(overall)
    ? overall
    : 'missed';
  return { outcome: rang, result: input.result, basis: 'nobody-answered', path };
}

function handlerOf(leg: CallLeg): CallHandler {
  return {
    extensionId: leg.extensionId!,
    ...(leg.name ? { name: leg.name } : {}),
    ...(leg.extensionNumber ? { extensionNumber: leg.extensionNumber } : {}),
  };
}

function describePath(legs: CallLeg[], kindOf: (id: string) => ExtensionKind, outcomes?: OutcomeMap) {
  const lines = legs.flatMap((leg) => {
    if (!leg.extensionId) return [];
    const who = label(leg);
    const kind = kindOf(leg.extensionId);
    if (kind === 'ivr') return [`IVR ${who}`];
    if (kind === 'queue') return [`Queue ${who}`];
    if (leg.voicemail) return [`Voicemail of ${who}`];
    if (leg.transfer) return [`Transferred by ${who}${leg.transferTo ? ` to ${leg.transferTo}` : ''}`];
    return outcomeOf(leg.result, outcomes) === 'connected'
      ? [`Answered by ${who}`]
      : [`Rang ${who}: not answered`];
  });
  return lines.filter((line, index) => line !== lines[index - 1]);
}
