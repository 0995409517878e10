import { describe, expect, it } from 'vitest';
import {
  hasDesiredFilters,
  isOurs,
  reminderFilter,
  reminderTiming,
} from '../../src/subscriptions/event-filters.js';
import { webhookAddress } from '../../src/webhook/path.js';
import { classify, renewThresholdMs } from '../../src/subscriptions/state.js';
import type { SubscriptionInfo } from '../../src/subscriptions/types.js';

const day = 86_400_000;
const address = webhookAddress('https://rc.example.com/');
const subscription = (overrides: Partial<SubscriptionInfo> = {}): SubscriptionInfo => ({
  id: 'sub-1',
  status: 'Active',
  eventFilters: [
    '/restapi/v1.0/account/809646016/telephony/sessions',
    reminderFilter(reminderTiming(315_360_000, 30 * day)),
  ],
  expirationTime: new Date(Date.now() + 365 * day).toISOString(),
  deliveryMode: { transportType: 'WebHook', address },
  ...overrides,
});

describe('filters › reminder timing', () => {
  it.each([
    [315_360_000, 30 * day],
    [3_600, 30 * day],
    [60, 1_000],
  ])(
    'keeps threshold ≤ half the lifetime and interval ≤ half the threshold (expiresIn %i)',
    (ttl, before) => {
      const { threshold, interval } = reminderTiming(ttl, before);
      expect(threshold).toBeLessThanOrEqual(ttl / 2);
      expect(interval).toBeLessThanOrEqual(threshold / 2);
      expect(interval).toBeGreaterThan(0);
    },
  );

  it('asks for reminders 30 days ahead, daily, with the defaults', () => {
    expect(reminderFilter(reminderTiming(315_360_000, 30 * day))).toBe(
      '/restapi/v1.0/subscription/~?threshold=2592000&interval=86400',
    );
  });
});

describe('filters › ours', () => {
  it('matches our address with the telephony filter RingCentral expanded', () => {
    expect(address).toBe('https://rc.example.com/webhooks/ringcentral');
    expect(isOurs(subscription(), address)).toBe(true);
    expect(hasDesiredFilters(subscription(), reminderTiming(315_360_000, 30 * day))).toBe(true);
  });

  it('does not match another address or a subscription without the telephony filter', () => {
    expect(isOurs(subscription(), 'https://other.example.com/webhooks/ringcentral')).toBe(false);
    const presence = subscription({ eventFilters: ['/restapi/v1.0/account/1/extension/1/presence'] });
    expect(isOurs(presence, address)).toBe(false);
  });

  it('wants a repair when the reminder filter is missing or the telephony filter was disabled', () => {
    const timing = reminderTiming(315_360_000, 30 * day);
    const noReminder = subscription({ eventFilters: ['/restapi/v1.0/account/1/telephony/sessions'] });
    expect(hasDesiredFilters(noReminder, timing)).toBe(false);
    const disabled = subscription({
      disabledFilters: [{ filter: '/restapi/v1.0/account/809646016/telephony/sessions', reason: 'x' }],
    });
    expect(hasDesiredFilters(disabled, timing)).toBe(false);
  });
});

describe('state › classify', () => {
  const now = Date.now();
  const threshold = renewThresholdMs({ renewBeforeMs: 30 * day, expiresInSeconds: 315_360_000 });

  it('reads missing, blacklisted, expiring and active', () => {
    expect(classify(undefined, now, threshold)).toBe('missing');
    expect(classify(subscription({ status: 'Blacklisted' }), now, threshold)).toBe('blacklisted');
    expect(classify(subscription({ status: 'Suspended' }), now, threshold)).toBe('blacklisted');
    const soon = new Date(now + 10 * day).toISOString();
    expect(classify(subscription({ expirationTime: soon }), now, threshold)).toBe('expiring');
    expect(classify(subscription(), now, threshold)).toBe('active');
  });

  it('never renews sooner than half the lifetime RingCentral granted', () => {
    expect(renewThresholdMs({ renewBeforeMs: 30 * day, expiresInSeconds: 315_360_000 }, 7 * day)).toBe(
      3.5 * day,
    );
  });
});
