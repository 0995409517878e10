import type { FeatureFactory } from '../feature.js';
import type { Logger } from 'pino';
import type { CallState } from '../calls/call-state.js';
import type { CallIntake } from '../calls/intake.js';
import type { Story } from '../calls/story.js';

/**
 * A lost `Disconnected` notification must not strand a call: calls with no event for the quiet
 * period are declared ended and looked up like any other. Runs as a scheduled maintenance job.
 */
export function createQuietSweep(deps: {
  callState: CallState;
  intake: CallIntake;
  story: Story;
  quietPeriodMs: number;
  logger: Logger;
}) {
  return async (): Promise<{ ended: number }> => {
    const quietSince = Date.now() - deps.quietPeriodMs;
    let ended = 0;
    for (const telephonySessionId of await deps.callState.quietCalls(quietSince)) {
      if (!(await deps.callState.endQuietCall(telephonySessionId, quietSince))) continue;
      const call = await deps.callState.get(telephonySessionId);
      if (!call) continue;
      await deps.story.add(telephonySessionId, {
        step: 'ended',
        reason: 'quiet',
        quietPeriodMs: deps.quietPeriodMs,
      });
      await deps.intake.scheduleLookup(telephonySessionId, call.accountId, 0);
      ended++;
    }
    if (ended > 0)
      deps.logger.warn({ ended }, 'calls ended by the quiet period (their last notification never came)');
    return { ended };
  };
}

export const QUIET_SWEEP_JOB = 'sweep-quiet-calls';

/**
 * The sweep as a scheduled maintenance job, every quarter of the quiet period (at least 1 s, at most
 * 1 min): a stranded call is ended soon after its quiet period without sweeping constantly.
 */
export const quietSweepFeature: FeatureFactory = ({ config, callState, intake, story, logger }) => {
  const quietPeriodMs = config.enrich.quietPeriodMs;
  return {
    name: 'quiet-sweep',
    maintenance: [
      {
        name: QUIET_SWEEP_JOB,
        handler: createQuietSweep({ callState, intake, story, quietPeriodMs, logger }),
        everyMs: Math.max(1_000, Math.min(60_000, quietPeriodMs / 4)),
      },
    ],
  };
};
