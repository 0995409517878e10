import type { CallHandling } from '../legs.js';
import { outcomeLabels } from '../outcome.js';
import { localDate } from '../time-zone.js';
import { describeCall, type CallSummary } from '../summary.js';

/**
 * The Task for a call: Salesforce's call-center fields (`CallType`, `CallDurationInSeconds`,
 * `CallObject`, `CallDisposition`), completed, dated the day the call started in `timeZone`
 * (CRM_TIME_ZONE), assigned to `ownerId`.
 */
export type TaskFields = Record<string, string | number>;

/** Fields people edit in Salesforce (a reassigned task too); a later delivery leaves them alone. */
const USER_EDITED = ['Subject', 'Description', 'OwnerId'];

export function taskFields(
  summary: CallSummary,
  handling: Pick<CallHandling, 'outcome' | 'result' | 'path'>,
  extra: { whoId?: string; ownerId?: string; timeZone: string },
): TaskFields {
  const { outcome } = handling;
  const { title, lines } = describeCall(summary, outcomeLabels[outcome], handling);
  const fields: TaskFields = {
    Subject: title.slice(0, 255),
    Description: lines.join('\n').slice(0, 32_000),
    // Restricted picklist: Inbound, Internal, Outbound.
    CallType: summary.internal ? 'Internal' : summary.direction === 'outbound' ? 'Outbound' : 'Inbound',
    CallDurationInSeconds: summary.durationSec,
    // The RingCentral session id: what ties the Task to the call (and to RingCentral's own reports).
    CallObject: summary.sessionId,
    CallDisposition: outcomeLabels[outcome],
    ActivityDate: localDate(summary.startTime, extra.timeZone),
    Status: 'Completed',
  };
  if (extra.whoId) fields.WhoId = extra.whoId;
  if (extra.ownerId) fields.OwnerId = extra.ownerId;
  return fields;
}

export function refreshFields(fields: TaskFields): TaskFields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !USER_EDITED.includes(name)));
}
