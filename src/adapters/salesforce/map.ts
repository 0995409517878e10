import { outcomeLabels, type CallOutcome } from '../outcome.js';
import { describeCall, type CallSummary } from '../summary.js';

/**
 * The Task for a call: Salesforce's call-center fields (`CallType`, `CallDurationInSeconds`,
 * `CallObject`, `CallDisposition`), completed, dated the day the call started (UTC).
 */
export type TaskFields = Record<string, string | number>;

/** Fields people edit in Salesforce; a later delivery of the same call leaves them alone. */
const USER_EDITED = ['Subject', 'Description'];

export function taskFields(summary: CallSummary, outcome: CallOutcome, whoId?: string): TaskFields {
  const { title, lines } = describeCall(summary, outcomeLabels[outcome]);
  const fields: TaskFields = {
    Subject: title.slice(0, 255),
    Description: lines.join('\n').slice(0, 32_000),
    // Restricted picklist: Inbound, Internal, Outbound.
    CallType: summary.internal ? 'Internal' : summary.direction === 'outbound' ? 'Outbound' : 'Inbound',
    CallDurationInSeconds: summary.durationSec,
    // The RingCentral session id: what ties the Task to the call (and to RingCentral's own reports).
    CallObject: summary.sessionId,
    CallDisposition: outcomeLabels[outcome],
    ActivityDate: new Date(Date.parse(summary.startTime)).toISOString().slice(0, 10),
    Status: 'Completed',
  };
  if (whoId) fields.WhoId = whoId;
  return fields;
}

export function refreshFields(fields: TaskFields): TaskFields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !USER_EDITED.includes(name)));
}
