import { describe, expect, it } from 'vitest';
import {
  createDeliveryFilter,
  defaultDeliveryFilters,
  shouldDeliver,
} from '../../src/deliver/call-filter.js';
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

describe('filters › createDeliveryFilter', () => {
  it('gives the worker a call → verdict function over the configured filters', () => {
    const filter = createDeliveryFilter(filters({ direction: 'inbound' }));
    expect(filter(inboundCall())).toEqual({ deliver: true });
    expect(filter(outboundNoAnswerCall()).deliver).toBe(false);
  });
});
