import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { httpTransport, isRetryableStatus, quote, retryAfterOf, send } from '../http.js';
import { callEnrichedEvent, callUpdatedEvent } from '../payload.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter, DeliveryContext } from '../types.js';
import { parseWebhookSettings } from './settings.js';

/**
 * `webhook`: POSTs each call as JSON to CRM_WEBHOOK_URL, signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 *
 * - `webhook-id` is the call's idempotency key, identical on every attempt: receivers dedupe on it.
 * - A call that gains data later (a late recording) is sent again as `call.updated` with its own
 *   `webhook-id` (the update's key) and the same call identity in the body.
 * - `webhook-timestamp` is fresh per attempt (receivers reject signatures older than ~5 minutes).
 * - 2xx: delivered. 408, 429, 5xx, network errors, timeouts: retried, no sooner than `Retry-After`.
 *   3xx: not followed (a POST must not become a GET) and not retried. 410 Gone and other 4xx: given up.
 */
export function createWebhookAdapter(options: AdapterOptions): CrmAdapter {
  const settings = parseWebhookSettings(options.env);
  const signer = new Webhook(settings.secret.reveal());
  const http = httpTransport(options, settings.timeoutMs);
  const target = new URL(settings.url);
  if (target.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(target.hostname)) {
    options.logger.warn(
      { host: target.host },
      'CRM_WEBHOOK_URL is plain http: call data travels unencrypted',
    );
  }

  async function post(event: object, key: string, ctx: DeliveryContext): Promise<void> {
    const body = JSON.stringify(event);
    const id = webhookId(key);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'rc-enrich',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(id, now, body),
    };
    const { response, text } = await send(
      http,
      settings.url,
      { method: 'POST', headers, body },
      ctx.signal,
      'webhook',
    );
    if (response.ok) {
      ctx.logger.debug({ status: response.status, webhookId: id }, 'webhook delivered');
      return;
    }
    const status = `${response.status}${text ? `: ${quote(text, 200)}` : ''}`;
    if (isRetryableStatus(response.status)) {
      throw new RetryableDeliveryError(`webhook: the receiver answered ${status}`, retryAfterOf(response));
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      throw new PermanentDeliveryError(
        `webhook: the receiver redirected (${response.status}${location ? ` to ${location}` : ''}); ` +
          'set CRM_WEBHOOK_URL to the final URL',
      );
    }
    if (response.status === 410) {
      throw new PermanentDeliveryError(
        `webhook: the receiver says the endpoint is gone (410); check CRM_WEBHOOK_URL`,
      );
    }
    throw new PermanentDeliveryError(`webhook: the receiver refused the call with ${status}`);
  }

  return {
    name: 'webhook',
    deliver: (call, ctx) => post(callEnrichedEvent(call), ctx.idempotencyKey, ctx),
    update: (call, ctx) => post(callUpdatedEvent(call, ctx.changes), ctx.updateKey, ctx),
  };
}

/** Standard Webhooks ids must not contain '.'; our keys never do, but a custom key might. */
export function webhookId(idempotencyKey: string): string {
  if (/^[A-Za-z0-9_-]{1,128}$/.test(idempotencyKey)) return idempotencyKey;
  return `msg_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

const factory: AdapterFactory = (options) => createWebhookAdapter(options);
export default factory;
