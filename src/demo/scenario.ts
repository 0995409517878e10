import type { PlayCallOptions } from '../fake-ringcentral/index.js';

/** The demo's calls: the cases an integrator meets on day one. */
export const demoCalls: Array<{ label: string; call: PlayCallOptions }> = [
  {
    label: 'inbound through the IVR, answered and recorded',
    call: {
      direction: 'Inbound',
      from: '+14155550100',
      callerName: 'Ada Lovelace',
      viaIvr: true,
      recorded: true,
      ringMs: 200,
      talkMs: 600,
    },
  },
  {
    label: 'outbound to a prospect',
    call: { direction: 'Outbound', to: '+442071838750', ringMs: 150, talkMs: 400 },
  },
  {
    label: 'inbound, missed',
    call: { direction: 'Inbound', from: '+13125550199', answered: false, ringMs: 500 },
  },
  {
    label: 'inbound, never listed in Active Calls (found in the Call Log)',
    call: {
      direction: 'Inbound',
      from: '+16175550142',
      missingFromActiveCalls: true,
      ringMs: 100,
      talkMs: 300,
    },
  },
  {
    label: 'inbound, short call',
    call: { direction: 'Inbound', from: '+12125550123', ringMs: 100, talkMs: 150 },
  },
];

/** RingCentral's real timings, ten times faster, for the simulator and for the service alike. */
export const demoTimings = {
  fake: {
    activeCallsVisibilityMs: [300, 1_000] as [number, number],
    activeCallsRetentionMs: 12_000,
    callLogVisibilityMs: [1_500, 3_000] as [number, number],
    rateLimits: { Heavy: { limit: 10, windowMs: 6_000, penaltyMs: 6_000 } },
  },
  service: {
    ENRICH_VISIBILITY_DELAY_MS: '300',
    ENRICH_VISIBILITY_MAX_MS: '1000',
    ENRICH_ACTIVE_WINDOW_MS: '6000',
    ENRICH_CALL_LOG_DELAY_MS: '1500',
    ENRICH_CALL_LOG_INTERVAL_MS: '2000',
    ENRICH_CALL_LOG_WINDOW_MS: '30000',
    RC_HEAVY_WINDOW_MS: '6000',
    RC_HEAVY_SAFETY_MS: '200',
    RC_DEFAULT_RETRY_AFTER_MS: '3000',
  },
};
