import type { PlayCallOptions } from '../fake-ringcentral/index.js';
import { demoCalls } from './scenario.js';

export interface SimulatedCall {
  label: string;
  call: PlayCallOptions;
}

/** Every this many calls, one RingCentral never lists anywhere: it becomes a dead letter to look at. */
export const neverFoundEvery = 7;

/**
 * The simulator's steady traffic, call number `n` (from 0): the demo's calls in turn, each from its own
 * number, and every `neverFoundEvery`th one a call that is in neither Active Calls nor the Call Log.
 */
export function simulatedCall(n: number): SimulatedCall {
  const number = `+1415555${String(1000 + (n % 9000)).padStart(4, '0')}`;
  if (n % neverFoundEvery === neverFoundEvery - 1) {
    return {
      label: 'never found in RingCentral: becomes a dead letter (`rc-enrich dlq list`)',
      call: {
        direction: 'Inbound',
        from: number,
        missingFromActiveCalls: true,
        missingFromCallLog: true,
        ringMs: 200,
        talkMs: 400,
      },
    };
  }
  const base = demoCalls[n % demoCalls.length]!;
  const call = base.call.direction === 'Outbound' ? { ...base.call } : { ...base.call, from: number };
  return { label: base.label, call };
}
