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
