import { mulberry32 } from '../src/fake-ringcentral/random.js';

/**
 * The simulated calls a bench profile plays, the same list for rc-enrich and for the baseline.
 * `burst`: BENCH_CALLS calls ending within BENCH_SPREAD_MS (the 300 in 30 s).
 * `steady`: BENCH_STEADY_RATE calls a second for BENCH_STEADY_S seconds (1 a second for 5 minutes).
 * BENCH_MISSING_PCT of them never show in Active Calls (only the Call Log has them).
 */
export interface PlannedCall {
  /** When the call starts, from the start of the run. */
  startMs: number;
  ringMs: number;
  talkMs: number;
  direction: 'Inbound' | 'Outbound';
  viaIvr: boolean;
  recorded: boolean;
  missingFromActiveCalls: boolean;
}

export interface Profile {
  name: 'burst' | 'steady';
  describe: string;
  calls: PlannedCall[];
}

interface Options {
  seed: number;
  missingPct: number;
  calls: number;
  spreadMs: number;
  steadyRate: number;
  steadySeconds: number;
}

/** Each call ends at its planned moment; ringing and talking fill the time before it. */
function plan(n: number, endAt: number, random: () => number, missingEvery: number): PlannedCall {
  const talkMs = Math.round(Math.min(endAt, 60_000) * random());
  const ringMs = Math.round(Math.min(endAt - talkMs, 3_000));
  return {
    startMs: Math.max(0, endAt - talkMs - ringMs),
    ringMs,
    talkMs,
    direction: n % 4 === 0 ? 'Outbound' : 'Inbound',
    viaIvr: n % 5 === 1,
    recorded: n % 3 === 0,
    missingFromActiveCalls: (n + 1) % missingEvery === 0,
  };
}

export function profiles(options: Options): Record<Profile['name'], () => Profile> {
  const missingEvery = options.missingPct > 0 ? Math.round(100 / options.missingPct) : Infinity;
  const missing = `${options.missingPct}% missing from Active Calls`;
  return {
    burst: () => {
      const random = mulberry32(options.seed);
      return {
        name: 'burst',
        describe: `${options.calls} calls ending within ${options.spreadMs / 1000} s, ${missing}`,
        calls: Array.from({ length: options.calls }, (_, n) =>
          plan(n, random() * options.spreadMs, random, missingEvery),
        ),
      };
    },
    steady: () => {
      const random = mulberry32(options.seed + 1);
      const count = Math.round(options.steadyRate * options.steadySeconds);
      return {
        name: 'steady',
        describe: `${options.steadyRate} call/s for ${options.steadySeconds} s (${count} calls), ${missing}`,
        // Evenly spaced ends with a little jitter, after a warm-up long enough for the longest call.
        calls: Array.from({ length: count }, (_, n) =>
          plan(n, 20_000 + (n + random()) * (1000 / options.steadyRate), random, missingEvery),
        ),
      };
    },
  };
}
