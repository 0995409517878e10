import type { SubscriptionInfo } from './types.js';

/** Every telephony session of the account (needs the app's CallControl permission). */
export const TELEPHONY_SESSIONS_FILTER = '/restapi/v1.0/account/~/telephony/sessions';

/**
 * RingCentral's WebHook maximum lifetime, 10 years: the largest `expiresIn` of
 * https://developers.ringcentral.com/api-reference/Subscriptions/createSubscription
 */
export const MAX_EXPIRES_IN_SECONDS = 315_360_000;

export interface ReminderTiming {
  /** Seconds before expiry when reminders start. */
  threshold: number;
  /** Seconds between reminders. */
  interval: number;
}

/**
 * RingCentral's rules (https://developers.ringcentral.com/guide/notifications/webhooks/creating-webhooks, renewal reminders):
 * threshold ≤ half the lifetime, interval ≤ half the threshold.
 * We ask to be reminded when we would renew anyway, and at most daily after that.
 */
export function reminderTiming(expiresInSeconds: number, renewBeforeMs: number): ReminderTiming {
  const threshold = Math.max(2, Math.min(Math.floor(renewBeforeMs / 1000), Math.floor(expiresInSeconds / 2)));
  const interval = Math.max(1, Math.min(24 * 60 * 60, Math.floor(threshold / 2)));
  return { threshold, interval };
}

export function reminderFilter({ threshold, interval }: ReminderTiming): string {
  return `/restapi/v1.0/subscription/~?threshold=${threshold}&interval=${interval}`;
}

/** The filters we subscribe to, in the order we send them. */
export function desiredFilters(timing: ReminderTiming): string[] {
  return [TELEPHONY_SESSIONS_FILTER, reminderFilter(timing)];
}

/** RingCentral expands `~` to real ids in its answers, so match the shape, not the string. */
export function isTelephonySessionsFilter(filter: string): boolean {
  return /^\/restapi\/v1\.0\/account\/[^/?]+\/telephony\/sessions$/.test(filter);
}

export function parseReminderFilter(filter: string): ReminderTiming | undefined {
  const match = /^\/restapi\/v1\.0\/subscription\/[^/?]+\?(.+)$/.exec(filter);
  if (!match?.[1]) return undefined;
  const params = new URLSearchParams(match[1]);
  const threshold = Number(params.get('threshold'));
  const interval = Number(params.get('interval'));
  return threshold > 0 && interval > 0 ? { threshold, interval } : undefined;
}

/** Ours: delivered to our webhook address and carrying the telephony-session filter. */
export function isOurs(subscription: SubscriptionInfo, address: string): boolean {
  const delivered = subscription.deliveryMode?.address;
  return (
    delivered !== undefined &&
    sameUrl(delivered, address) &&
    subscription.eventFilters.some(isTelephonySessionsFilter)
  );
}

/** Whether the subscription already has every filter we want (and RingCentral did not disable one). */
export function hasDesiredFilters(subscription: SubscriptionInfo, timing: ReminderTiming): boolean {
  const disabled = new Set((subscription.disabledFilters ?? []).map((entry) => entry.filter));
  const active = subscription.eventFilters.filter((filter) => !disabled.has(filter));
  const reminder = active.map(parseReminderFilter).find((found) => found !== undefined);
  return (
    active.some(isTelephonySessionsFilter) &&
    reminder?.threshold === timing.threshold &&
    reminder.interval === timing.interval
  );
}

function sameUrl(a: string, b: string): boolean {
  const normalize = (value: string) => {
    try {
      return new URL(value).href.replace(/\/+$/, '');
    } catch {
      return value.replace(/\/+$/, '');
    }
  };
  return normalize(a) === normalize(b);
}
