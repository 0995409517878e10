import type { CallHandling } from '../legs.js';
import { outcomeLabels, type CallOutcome } from '../outcome.js';
import { toE164 } from '../phone.js';
import { describeCall, type CallSummary } from '../summary.js';
import type { Filter } from './client.js';

/**
 * `hs_call_status` for an outcome. HubSpot's values: BUSY, CALLING_CRM_USER, CANCELED, COMPLETED,
 * CONNECTING, FAILED, IN_PROGRESS, NO_ANSWER, QUEUED, RINGING. A voicemail completes an outbound call
 * (the agent left a message) but is an unanswered inbound one. Unknown outcomes set no status.
 */
export function hubspotStatus(outcome: CallOutcome, direction: 'inbound' | 'outbound'): string | undefined {
  switch (outcome) {
    case 'connected':
      return 'COMPLETED';
    case 'voicemail':
      return direction === 'outbound' ? 'COMPLETED' : 'NO_ANSWER';
    case 'missed':
    case 'no-answer':
      return 'NO_ANSWER';
    case 'busy':
    case 'rejected':
      return 'BUSY';
    case 'abandoned':
      return 'CANCELED';
    case 'failed':
      return 'FAILED';
    case 'unknown':
      return undefined;
  }
}

/** Properties people edit (title, notes, a reassigned owner): later deliveries leave them alone. */
const USER_EDITED = ['hs_call_title', 'hs_call_body', 'hubspot_owner_id'];

export function callProperties(
  summary: CallSummary,
  handling: Pick<CallHandling, 'outcome' | 'result' | 'path'>,
  extra: { callIdProperty?: string; idempotencyKey: string; ownerId?: string },
): Record<string, string> {
  const { outcome } = handling;
  const { title, lines } = describeCall(summary, outcomeLabels[outcome], handling);
  const properties: Record<string, string | undefined> = {
    hs_timestamp: String(Date.parse(summary.startTime)),
    hs_call_title: title,
    hs_call_body: lines.map(escapeHtml).join('<br>'),
    hs_call_duration: String(summary.durationSec * 1000),
    hs_call_direction: summary.direction === 'outbound' ? 'OUTBOUND' : 'INBOUND',
    hs_call_from_number: toE164(summary.from.phoneNumber) ?? summary.from.phoneNumber,
    hs_call_to_number: toE164(summary.to.phoneNumber) ?? summary.to.phoneNumber,
    hs_call_status: hubspotStatus(outcome, summary.direction),
    ...recordingProperty(summary.recordingUrl),
    hubspot_owner_id: extra.ownerId,
  };
  if (extra.callIdProperty) properties[extra.callIdProperty] = extra.idempotencyKey;
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

/** `hs_call_recording_url`, when HubSpot will take the URL: it accepts only HTTPS ones. */
export function recordingProperty(url: string | undefined): Record<string, string> {
  return url?.startsWith('https://') ? { hs_call_recording_url: url } : {};
}

/** What a later delivery of the same call rewrites: the facts, not what people may have edited. */
export function refreshProperties(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).filter(([name]) => !USER_EDITED.includes(name)));
}

/**
 * How to find the call an earlier attempt created without learning its id (a crash or timeout between
 * HubSpot creating it and us storing the id). With HUBSPOT_CALL_ID_PROPERTY, an exact match on the key.
 * Without, the exact start time plus both numbers: values we wrote, that nobody edits in that window,
 * and that two different calls of one account practically never share to the millisecond.
 */
export function findFilters(properties: Record<string, string>, callIdProperty?: string): Filter[] {
  if (callIdProperty)
    return [{ propertyName: callIdProperty, operator: 'EQ', value: properties[callIdProperty] }];
  return ['hs_timestamp', 'hs_call_from_number', 'hs_call_to_number']
    .filter((name) => properties[name] !== undefined)
    .map((propertyName) => ({ propertyName, operator: 'EQ', value: properties[propertyName] }));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
