import type { Logger } from 'pino';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { isRetryableStatus, markRefused, quote, retryAfterOf } from '../http.js';

/**
 * Salesforce's answers, classified once. REST errors are `[{ message, errorCode, fields }]`.
 * - REQUEST_LIMIT_EXCEEDED (403; the org's 24-hour allocation or its concurrent-request limit) is a
 *   "later", not a "never": retried after `Retry-After` or five minutes.
 * - 401 after a fresh login, or with a given token: the credentials are wrong, give up saying so.
 * - 408, 429, 5xx: retried. Other 4xx (and 300, several records share the external id): given up, with
 *   Salesforce's own message.
 */
const REQUEST_LIMIT_PAUSE_MS = 5 * 60 * 1000;

export function firstError(text: string): { errorCode?: string; message?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return first && typeof first === 'object' ? (first as { errorCode?: string; message?: string }) : {};
  } catch {
    return {};
  }
}

export function salesforceError(label: string, response: Response, text: string): Error {
  const { errorCode, message } = firstError(text);
  const said =
    errorCode || message ? `${errorCode ?? ''}${errorCode && message ? ': ' : ''}${message ?? ''}` : text;
  const detail = `${response.status}${said ? `, ${quote(said, 300)}` : ''}`;
  let error: Error;
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    error = new RetryableDeliveryError(
      `salesforce: the org's API request limit is exceeded (${detail}); retrying later`,
      retryAfterOf(response) ?? REQUEST_LIMIT_PAUSE_MS,
    );
  } else if (isRetryableStatus(response.status)) {
    error = new RetryableDeliveryError(`salesforce: ${label} failed (${detail})`, retryAfterOf(response));
  } else if (response.status === 401) {
    error = new PermanentDeliveryError(
      `salesforce: Salesforce refused the session (${detail}); set a valid SALESFORCE_ACCESS_TOKEN or use the ` +
        'JWT bearer flow (SALESFORCE_CLIENT_ID, SALESFORCE_USERNAME, SALESFORCE_PRIVATE_KEY)',
    );
  } else {
    error = new PermanentDeliveryError(`salesforce: Salesforce rejected ${label} (${detail})`);
  }
  return markRefused(error, response.status);
}

/**
 * `Sforce-Limit-Info: api-usage=25/5000` comes with every REST response. Once usage passes the
 * threshold (SALESFORCE_MAX_API_USAGE of the allocation), deliveries wait five minutes at a time:
 * the allocation is a rolling 24 hours, shared with every other integration of the org.
 */
export function createUsageGate(maxUsage: number, logger: Logger, now = () => Date.now()) {
  let last: { used: number; limit: number; at: number } | undefined;
  let warned = false;
  return {
    observe(response: Response) {
      const match = /api-usage=(\d+)\/(\d+)/.exec(response.headers.get('sforce-limit-info') ?? '');
      if (!match) return;
      last = { used: Number(match[1]), limit: Number(match[2]), at: now() };
      const high = last.limit > 0 && last.used / last.limit >= maxUsage;
      if (high && !warned) {
        logger.warn(
          { used: last.used, limit: last.limit },
          'salesforce: API usage is near the limit, slowing down',
        );
      }
      warned = high;
    },
    waitMs(): number {
      if (!last || last.limit === 0 || last.used / last.limit < maxUsage || maxUsage >= 1) return 0;
      return Math.max(0, last.at + REQUEST_LIMIT_PAUSE_MS - now());
    },
  };
}
