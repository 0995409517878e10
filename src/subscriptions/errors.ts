import { ErrorCode, PermanentError } from '../errors.js';

/** RingCentral could not validate our webhook address (the handshake failed or never reached us). */
export class HandshakeFailedError extends PermanentError {
  override name = 'HandshakeFailedError';
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `RingCentral could not reach ${address} to validate the webhook (${detail}). ` +
        'The service must be running (`npm start` or `rc-enrich serve`) and reachable from the internet at ' +
        'PUBLIC_URL over HTTPS, answering POST /webhooks/ringcentral within 3 s. ' +
        'Check PUBLIC_URL, your proxy or tunnel, and `curl -X POST -H "Validation-Token: test" -i ' +
        `${address}\` (it must answer 200 with the same Validation-Token header).`,
      ErrorCode.BadRequest,
      options,
    );
  }
}

/** The app lacks a permission the subscription needs; the message names it. */
export class SubscriptionPermissionError extends PermanentError {
  override name = 'SubscriptionPermissionError';
  constructor(
    readonly permission: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `RingCentral refused (${detail}). The app needs the "${permission}" permission` +
        (permission === 'SubscriptionWebhook' ? ' ("WebHook Subscriptions" in the Developer Console)' : '') +
        ': add it to the app in the RingCentral Developer Console (a production app must be re-approved ' +
        'and its JWT may need to be re-issued), then run the command again.',
      ErrorCode.PermissionDenied,
      options,
    );
  }
}

/** RingCentral allows 30 subscriptions per user and app (SUB-505). */
export class SubscriptionLimitError extends PermanentError {
  override name = 'SubscriptionLimitError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `RingCentral refused a new subscription: the app already has the most it allows (30 per user) (${detail}). ` +
        'Run `rc-enrich subscriptions` to see them and delete the ones no longer used.',
      ErrorCode.BadRequest,
      options,
    );
  }
}
