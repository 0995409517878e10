import { randomBytes } from 'node:crypto';
import { rcError } from '../http/errors.js';
import type { Poster } from '../notifications/post.js';

/** Largest handshake answer (status line, headers and body) RingCentral accepts. */
const maxResponseBytes = 1024;

/**
 * RingCentral's webhook validation (https://developers.ringcentral.com/guide/notifications/webhooks/creating-webhooks): POST with `Validation-Token` and an empty JSON body;
 * the address must answer 200 echoing the header, within the timeout, in ≤ 1024 bytes.
 * - cannot connect / no answer in time → 400 SUB-521 "Parameter [deliveryMode.address] value is invalid"
 * - answered, but not 200, no or wrong echo, or too large → 400 SUB-525 "WebHook server response is invalid"
 * No `Verification-Token` is sent with the handshake.
 */
export async function validateWebhook(address: string, poster: Poster, timeoutMs: number): Promise<void> {
  const token = randomBytes(16).toString('hex');
  const headers = {
    'Validation-Token': token,
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'User-Agent': 'RingCentral-Webhook/8.3',
  };
  let answer;
  try {
    answer = await poster.post(address, headers, '', timeoutMs);
  } catch {
    throw rcError(400, 'SUB-521', 'Parameter [deliveryMode.address] value is invalid', {
      parameterName: 'deliveryMode.address',
      parameterValue: address,
    });
  }
  const echoed = answer.headers['validation-token'];
  if (answer.status !== 200 || echoed !== token || answer.responseBytes > maxResponseBytes) {
    throw rcError(400, 'SUB-525', 'WebHook server response is invalid');
  }
}
