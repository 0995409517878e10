import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ResolvedOptions } from '../options.js';
import { deriveRandom } from '../random.js';
import { createFakeCall, type FakeCall } from './call.js';
import type { Emit } from './emitter.js';
import { createCallState, type CallState } from './state.js';
import * as steps from './steps.js';
import type { PlayCallOptions, StartCallOptions } from './types.js';

interface Deps {
  options: ResolvedOptions;
  emit: Emit;
  logger: Logger;
  /** Aborted by `close()`: a `play` still waiting rejects instead of holding the process open. */
  signal: AbortSignal;
}

export interface FakeCalls {
  /** Start a call now; its first events are emitted (and delivered) in the background. */
  start(options?: StartCallOptions): FakeCall;
  /** start → (ringMs) → answer → (talkMs) → hangUp; resolves after the hang-up's deliveries. */
  play(options?: PlayCallOptions): Promise<FakeCall>;
  get(telephonySessionId: string): FakeCall | undefined;
  /** Every call, oldest first. */
  list(): FakeCall[];
}

/** The simulator's calls, plus the raw states the API routes read. */
export function createCallRegistry({ options, emit, logger, signal }: Deps) {
  const states: CallState[] = [];
  const ordered: FakeCall[] = [];
  const byId = new Map<string, FakeCall>();

  function start(callOptions: StartCallOptions = {}): FakeCall {
    const state = createCallState(callOptions, {
      index: states.length,
      random: deriveRandom(options.seed, states.length),
      now: options.now(),
      accountId: options.accountId,
      ownerExtensionId: options.ownerExtensionId,
      mainNumber: options.mainNumber,
      deliver: options.deliverNotifications,
      activeCallsVisibilityMs: options.activeCallsVisibilityMs,
      activeCallsRetentionMs: options.activeCallsRetentionMs,
      callLogVisibilityMs: options.callLogVisibilityMs,
      recordingDelayMs: options.recordingDelayMs,
    });
    const call = createFakeCall(state, emit, options.now);
    states.push(state);
    ordered.push(call);
    byId.set(state.telephonySessionId, call);
    emit(state, steps.start(state, state.startedAt)).catch((err: unknown) =>
      logger.error({ err }, 'fake RingCentral: emitting call start failed'),
    );
    return call;
  }

  const pause = (ms: number) => (ms > 0 ? sleep(ms, undefined, { signal }) : Promise.resolve());

  const calls: FakeCalls = {
    start,
    async play({ ringMs = 0, talkMs = 0, answered = true, ...rest } = {}) {
      const call = start(rest);
      await pause(ringMs);
      if (answered) {
        await call.answer();
        await pause(talkMs);
      }
      await call.hangUp();
      return call;
    },
    get: (id) => byId.get(id),
    list: () => [...ordered],
  };

  return { calls, states: () => states as readonly CallState[] };
}

export type CallRegistry = ReturnType<typeof createCallRegistry>;
