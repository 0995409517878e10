import type { Emit } from './emitter.js';
import {
  activeCallsGoneAt,
  activeCallsVisibleAt,
  callLogVisibleAt,
  type CallPhase,
  type CallState,
} from './state.js';
import * as steps from './steps.js';
import type { CallDirection, EmitOptions, NotificationEnvelope, StepOptions } from './types.js';

export interface FakeCall {
  readonly telephonySessionId: string;
  readonly sessionId: string;
  readonly direction: CallDirection;
  /** The agent's extension id. */
  readonly extensionId: string;
  /** `id` of the call's record in Active Calls and the Call Log. */
  readonly recordId: string;
  /** Set when `recorded`; the recording exists only if the call was answered. */
  readonly recordingId?: string;
  readonly partyIds: { pstn: string; agent: string; ivr?: string };
  readonly phase: CallPhase;
  /** `now()` milliseconds. */
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  /** Set once ended: when the finished record appears in / leaves Active Calls, appears in the Call Log. */
  readonly activeCallsVisibleAt?: number;
  readonly activeCallsGoneAt?: number;
  readonly callLogVisibleAt?: number;
  /** Every envelope generated for this call so far, delivered or not, in emission order. */
  readonly notifications: readonly NotificationEnvelope[];
  /**
   * Steps change the call at once and resolve, with the envelopes they generated, once those were
   * delivered (or immediately when the call does not deliver). Out-of-order steps throw.
   */
  ring(options?: StepOptions): Promise<NotificationEnvelope[]>;
  answer(options?: StepOptions): Promise<NotificationEnvelope[]>;
  hold(options?: StepOptions): Promise<NotificationEnvelope[]>;
  unhold(options?: StepOptions): Promise<NotificationEnvelope[]>;
  hangUp(options?: StepOptions): Promise<NotificationEnvelope[]>;
  /** Inbound, before an agent rings: the caller hangs up in the IVR or the queue. */
  abandon(options?: StepOptions): Promise<NotificationEnvelope[]>;
  /** Escape hatch: one custom party event. It changes no call state, only the sequence counter. */
  emit(event: EmitOptions): Promise<NotificationEnvelope[]>;
}

export function createFakeCall(state: CallState, emit: Emit, now: () => number): FakeCall {
  const run =
    (step: (c: CallState, t: number) => EmitOptions[]) =>
    (options: StepOptions = {}) => {
      let specs: EmitOptions[];
      try {
        specs = step(state, now());
      } catch (err) {
        return Promise.reject(err);
      }
      if (options.notify === false) {
        state.nextSequence += specs.length; // the events happened, they were just lost
        return Promise.resolve([]);
      }
      return emit(state, specs);
    };

  return {
    telephonySessionId: state.telephonySessionId,
    sessionId: state.sessionId,
    direction: state.direction,
    extensionId: state.extensionId,
    recordId: state.recordId,
    recordingId: state.recordingId,
    partyIds: {
      pstn: state.parties.pstn.id,
      agent: state.parties.agent.id,
      ...(state.parties.ivr ? { ivr: state.parties.ivr.id } : {}),
    },
    get phase() {
      return state.phase;
    },
    get startedAt() {
      return state.startedAt;
    },
    get answeredAt() {
      return state.answeredAt;
    },
    get endedAt() {
      return state.endedAt;
    },
    get activeCallsVisibleAt() {
      return state.missingFromActiveCalls ? undefined : activeCallsVisibleAt(state);
    },
    get activeCallsGoneAt() {
      return state.missingFromActiveCalls ? undefined : activeCallsGoneAt(state);
    },
    get callLogVisibleAt() {
      return state.missingFromCallLog ? undefined : callLogVisibleAt(state);
    },
    get notifications() {
      return state.notifications;
    },
    ring: run(steps.ring),
    answer: run(steps.answer),
    hold: run(steps.hold),
    unhold: run(steps.unhold),
    hangUp: run(steps.hangUp),
    abandon: run(steps.abandon),
    emit: (event) => emit(state, [event]),
  };
}
