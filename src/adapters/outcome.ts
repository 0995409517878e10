import { z } from 'zod';

/**
 * RingCentral's call `result` (30-odd values, listed in
 * https://developers.ringcentral.com/api-reference/Call-Log/readUserCallLog) boiled down to the few
 * outcomes a CRM cares about. Each CRM adapter maps these to its own vocabulary (HubSpot
 * `hs_call_status`, Salesforce `CallDisposition`). Operators can re-map single results with
 * CRM_OUTCOME_MAP, e.g. `Hang Up=missed,Rejected=no-answer`.
 */
export const callOutcomes = [
  'connected', // someone answered
  'voicemail', // went to voicemail
  'missed', // an inbound call nobody answered
  'no-answer', // the far end did not pick up
  'busy',
  'rejected', // declined or blocked
  'abandoned', // the caller hung up before it was answered
  'failed', // never got through (errors, restrictions, wrong number)
  'unknown',
] as const;
export type CallOutcome = (typeof callOutcomes)[number];

/** RingCentral result (lower case) → outcome. Unlisted results are `unknown`. */
export const defaultOutcomeMap: Readonly<Record<string, CallOutcome>> = Object.freeze({
  accepted: 'connected',
  'call accepted': 'connected',
  'call connected': 'connected',
  'answered elsewhere': 'connected',
  received: 'connected',
  reply: 'connected',
  sent: 'connected',
  voicemail: 'voicemail',
  missed: 'missed',
  'no answer': 'no-answer',
  busy: 'busy',
  rejected: 'rejected',
  declined: 'rejected',
  blocked: 'rejected',
  'hang up': 'abandoned',
  abandoned: 'abandoned',
  'call failed': 'failed',
  'call failure': 'failed',
  'internal error': 'failed',
  'ip phone offline': 'failed',
  'wrong number': 'failed',
  'restricted number': 'failed',
  'international disabled': 'failed',
  'international restriction': 'failed',
  'suspended account': 'failed',
  'poor line quality': 'failed',
  stopped: 'failed',
  'send error': 'failed',
  'receive error': 'failed',
  unknown: 'unknown',
  resultempty: 'unknown',
});

export type OutcomeMap = Readonly<Record<string, CallOutcome>>;

export function outcomeOf(result: string | undefined, map: OutcomeMap = defaultOutcomeMap): CallOutcome {
  if (!result) return 'unknown';
  return map[result.trim().toLowerCase()] ?? 'unknown';
}

/** Words for titles and free-text fields (Salesforce `CallDisposition`, bodies). */
export const outcomeLabels: Readonly<Record<CallOutcome, string>> = {
  connected: 'Connected',
  voicemail: 'Voicemail',
  missed: 'Missed',
  'no-answer': 'No answer',
  busy: 'Busy',
  rejected: 'Rejected',
  abandoned: 'Abandoned',
  failed: 'Failed',
  unknown: 'Unknown',
};

/** Parse `Result=outcome,Result=outcome` over the defaults. */
export function parseOutcomeMap(value: string): OutcomeMap | string {
  const map: Record<string, CallOutcome> = { ...defaultOutcomeMap };
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [result, outcome, extra] = entry.split('=').map((part) => part.trim());
    if (!result || !outcome || extra !== undefined) return `"${entry}" is not Result=outcome`;
    if (!(callOutcomes as readonly string[]).includes(outcome)) {
      return `"${outcome}" is not an outcome (use one of ${callOutcomes.join(', ')})`;
    }
    map[result.toLowerCase()] = outcome as CallOutcome;
  }
  return Object.freeze(map);
}

/** The CRM_OUTCOME_MAP setting, for adapters' settings schemas. */
export const outcomeMapSetting = {
  CRM_OUTCOME_MAP: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const parsed = parseOutcomeMap(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: `CRM_OUTCOME_MAP: ${parsed}` });
        return z.NEVER;
      }
      return parsed;
    }),
};
