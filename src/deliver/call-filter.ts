import type { EnrichedCall } from '../calls/types.js';
import { toE164 } from '../adapters/phone.js';
import { summarizeCall } from '../adapters/summary.js';

/** Which calls are sent to the CRMs (the CRM_FILTER_* settings, parsed by config.ts). Applies to every adapter. */
export interface DeliveryFilters {
  /** Send only calls in this direction. */
  direction: 'both' | 'inbound' | 'outbound';
  /** Skip calls shorter than this (seconds). */
  minDurationSec: number;
  /** Whether calls between two extensions of the account are sent. */
  internal: 'include' | 'exclude';
  /** E.164 numbers whose calls are never sent (either side of the call). */
  blockedNumbers: string[];
}

export const defaultDeliveryFilters: DeliveryFilters = Object.freeze({
  direction: 'both',
  minDurationSec: 0,
  internal: 'include',
  blockedNumbers: [],
});

export type FilterVerdict = { deliver: true } | { deliver: false; reason: string };

/**
 * Whether a call is sent to the CRMs. Pure: the deliver worker calls it before `deliver`, and a skipped
 * call is recorded with the reason, never dropped silently.
 *
 * For calls known only from notifications the duration is an estimate that includes ringing, so it is
 * an upper bound of the talk time: skipping when even the estimate is below the minimum is safe, but
 * some short calls will get through.
 */
export function shouldDeliver(call: EnrichedCall, filters: DeliveryFilters): FilterVerdict {
  const summary = summarizeCall(call);
  if (filters.direction !== 'both' && summary.direction !== filters.direction) {
    return {
      deliver: false,
      reason: `direction is ${summary.direction}, only ${filters.direction} calls are sent`,
    };
  }
  if (summary.internal && filters.internal === 'exclude') {
    return { deliver: false, reason: 'internal call (between two extensions), internal calls are excluded' };
  }
  if (summary.durationSec < filters.minDurationSec) {
    return {
      deliver: false,
      reason: `duration ${summary.durationSec} s is below the minimum of ${filters.minDurationSec} s`,
    };
  }
  if (filters.blockedNumbers.length > 0) {
    const blocked = new Set(filters.blockedNumbers);
    for (const side of [summary.from, summary.to]) {
      const number = toE164(side.phoneNumber);
      if (number && blocked.has(number)) return { deliver: false, reason: `${number} is a blocked number` };
    }
  }
  return { deliver: true };
}

/** The deliver worker's filter: the configured settings, then `shouldDeliver` per call. */
export function createDeliveryFilter(filters: DeliveryFilters) {
  return (call: EnrichedCall): FilterVerdict => shouldDeliver(call, filters);
}
