import { describe, expect, it } from 'vitest';
import {
  createDeliveryFilter,
  defaultDeliveryFilters,
  parseFilterSettings,
  shouldDeliver,
} from '../../src/adapters/filters.js';
import { ConfigError } from '../../src/config.js';
import { CALLER, eventOnlyCall, inboundCall, internalCall, outboundNoAnswerCall } from '../fixtures/calls.js';

const filters = (overrides: Partial<typeof defaultDeliveryFilters>) => ({
  ...defaultDeliveryFilters,
  ...overrides,
});

describe('filters › shouldDeliver', () => {
  it('defaults › every call is sent', () => {
    for (const call of [inboundCall(), outboundNoAnswerCall(), internalCall(), eventOnlyCall()]) {
      expect(shouldDeliver(call, defaultDeliveryFilters)).toEqual({ deliver: true });
    }
  });

  it('direction › calls the other way are skipped with the reason', () => {
    expect(shouldDeliver(outboundNoAnswerCall(), filters({ direction: 'inbound' }))).toEqual({
      deliver: false,
      reason: 'direction is outbound, only inbound calls are sent',
    });
    expect(shouldDeliver(inboundCall(), filters({ direction: 'inbound' }))).toEqual({ deliver: true });
  });

  it('minimum duration › shorter calls are skipped', () => {
    const verdict = shouldDeliver(outboundNoAnswerCall(), filters({ minDurationSec: 60 }));
    expect(verdict).toEqual({ deliver: false, reason: 'duration 31 s is below the minimum of 60 s' });
    expect(shouldDeliver(inboundCall(), filters({ minDurationSec: 60 }))).toEqual({ deliver: true });
  });

  it('minimum duration on a notification-only call › the estimate (an upper bound) is compared', () => {
    expect(shouldDeliver(eventOnlyCall(), filters({ minDurationSec: 120 }))).toEqual({ deliver: true });
    expect(shouldDeliver(eventOnlyCall(), filters({ minDurationSec: 200 })).deliver).toBe(false);
  });

  it('internal excluded › calls between extensions are skipped, others are not', () => {
    expect(shouldDeliver(internalCall(), filters({ internal: 'exclude' }))).toMatchObject({ deliver: false });
    expect(shouldDeliver(inboundCall(), filters({ internal: 'exclude' }))).toEqual({ deliver: true });
  });

  it('blocked numbers › a call from or to one is skipped', () => {
    const blocked = filters({ blockedNumbers: [CALLER] });
    expect(shouldDeliver(inboundCall(), blocked)).toEqual({
      deliver: false,
      reason: `${CALLER} is a blocked number`,
    });
    expect(shouldDeliver(outboundNoAnswerCall(), blocked)).toMatchObject({ deliver: false });
    expect(shouldDeliver(internalCall(), blocked)).toEqual({ deliver: true });
  });
});

describe('filters › settings', () => {
  it('defaults when nothing is set', () => {
    expect(parseFilterSettings({})).toEqual(defaultDeliveryFilters);
  });

  it('parses every variable; blocked numbers in any format become E.164', () => {
    expect(
      parseFilterSettings({
        CRM_FILTER_DIRECTION: 'outbound',
        CRM_FILTER_MIN_DURATION_SEC: '10',
        CRM_FILTER_INTERNAL: 'exclude',
        CRM_FILTER_BLOCKED_NUMBERS: '+14155550100, (650) 555-0111',
      }),
    ).toEqual({
      direction: 'outbound',
      minDurationSec: 10,
      internal: 'exclude',
      blockedNumbers: ['+14155550100', '+16505550111'],
    });
  });

  it.each([
    [{ CRM_FILTER_DIRECTION: 'sideways' }, /CRM_FILTER_DIRECTION must be both, inbound or outbound/],
    [{ CRM_FILTER_MIN_DURATION_SEC: 'ten' }, /CRM_FILTER_MIN_DURATION_SEC must be a whole number/],
    [{ CRM_FILTER_MIN_DURATION_SEC: '-1' }, /CRM_FILTER_MIN_DURATION_SEC must not be negative/],
    [{ CRM_FILTER_INTERNAL: 'maybe' }, /CRM_FILTER_INTERNAL must be include or exclude/],
    [
      { CRM_FILTER_BLOCKED_NUMBERS: '+14155550100,ext 12' },
      /CRM_FILTER_BLOCKED_NUMBERS: "ext 12" is not a phone number/,
    ],
  ])('%o › a ConfigError naming the variable', (env, message) => {
    expect(() => parseFilterSettings(env)).toThrow(ConfigError);
    expect(() => parseFilterSettings(env)).toThrow(message);
  });

  it('createDeliveryFilter › parses once and gives the worker a call → verdict function', () => {
    const filter = createDeliveryFilter({ CRM_FILTER_DIRECTION: 'inbound' });
    expect(filter(inboundCall())).toEqual({ deliver: true });
    expect(filter(outboundNoAnswerCall()).deliver).toBe(false);
  });
});
