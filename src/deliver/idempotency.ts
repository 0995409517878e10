import { createHash } from 'node:crypto';

/**
 * One key per call, the same on every attempt and every replay: derived from the call, never from the
 * attempt. Hex only, so it is valid as a Standard Webhooks `webhook-id` (no '.') and as a CRM field.
 */
export function idempotencyKeyFor(accountId: string, telephonySessionId: string): string {
  const digest = createHash('sha256').update(`${accountId}/${telephonySessionId}`).digest('hex');
  return `call_${digest.slice(0, 32)}`;
}
