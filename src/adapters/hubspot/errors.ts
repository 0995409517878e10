import { parseRetryAfter, PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { markRefused, quote } from '../http.js';

/**
 * HubSpot's answers, classified once: retry later (429, 5xx), or give up saying what to fix (401, 403,
 * other 4xx). Rate limits follow HubSpot's own headers: `Retry-After` when present, else the policy in
 * the 429 body (`TEN_SECONDLY_ROLLING`, `DAILY`, …) and `X-HubSpot-RateLimit-Interval-Milliseconds`.
 */
interface HubSpotErrorBody {
  message?: string;
  category?: string;
  errorType?: string;
  policyName?: string;
}

/** HubSpot's daily allowance resets at midnight in the account's time zone, which we do not know. */
const DAILY_LIMIT_PAUSE_MS = 60 * 60 * 1000;
/** The documented burst window, for a 429 without headers. */
const DEFAULT_INTERVAL_MS = 10_000;

export function hubspotError(label: string, response: Response, text: string): Error {
  return markRefused(classify(label, response, text), response.status);
}

function classify(label: string, response: Response, text: string): Error {
  const body = parse(text);
  const said = body?.message ? `: ${quote(body.message, 300)}` : text ? `: ${quote(text, 300)}` : '';
  const status = response.status;
  if (status === 429) {
    return new RetryableDeliveryError(
      `hubspot: rate limited during ${label} (429${said})`,
      rateLimitPause(response, body),
    );
  }
  if (status === 408 || status >= 500) {
    return new RetryableDeliveryError(
      `hubspot: ${label} failed with ${status}${said}`,
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
  if (status === 401) {
    return new PermanentDeliveryError(
      `hubspot: HubSpot refused HUBSPOT_ACCESS_TOKEN (401${said}); check the private app's access token`,
    );
  }
  if (status === 403) {
    return new PermanentDeliveryError(
      `hubspot: HubSpot denied ${label} (403${said}); the private app needs the scopes ` +
        'crm.objects.contacts.read and crm.objects.contacts.write',
    );
  }
  return new PermanentDeliveryError(`hubspot: HubSpot rejected ${label} (${status}${said})`);
}

function rateLimitPause(response: Response, body: HubSpotErrorBody | undefined): number {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  if (body?.policyName?.toUpperCase().startsWith('DAILY')) return DAILY_LIMIT_PAUSE_MS;
  return intervalOf(response) ?? DEFAULT_INTERVAL_MS;
}

function intervalOf(response: Response): number | undefined {
  const value = Number(response.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Slowing down before HubSpot says 429: after a response that leaves (almost) nothing of the current
 * window or of the day, new deliveries wait for the window to pass. Per process: HubSpot counts per
 * app, so several processes still meet the occasional 429, which is retried like any other.
 */
export function createRateLimitGate(now = () => Date.now()) {
  let pausedUntil = 0;
  return {
    observe(response: Response) {
      const remaining = Number(response.headers.get('x-hubspot-ratelimit-remaining') ?? NaN);
      const daily = Number(response.headers.get('x-hubspot-ratelimit-daily-remaining') ?? NaN);
      if (daily <= 0) pausedUntil = Math.max(pausedUntil, now() + DAILY_LIMIT_PAUSE_MS);
      else if (remaining <= 1)
        pausedUntil = Math.max(pausedUntil, now() + (intervalOf(response) ?? DEFAULT_INTERVAL_MS));
    },
    /** Milliseconds to wait before the next delivery, 0 when free to go. */
    waitMs(): number {
      return Math.max(0, pausedUntil - now());
    },
  };
}

function parse(text: string): HubSpotErrorBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as HubSpotErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
