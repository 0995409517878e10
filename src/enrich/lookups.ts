import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Config } from '../config.js';
import type { Keys } from '../infra/keys.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import { createActivePending } from './active-pending.js';
import { activeCallsFetcher, callLogFetcher, createCallLogPending } from './fetchers.js';
import { createListingTiming } from './listing-timing.js';
import { createListingWaiters } from './listing-waiters.js';
import { createSharedListing } from './shared-listing.js';
import { createVisibilityStore } from './visibility.js';

/**
 * The lookups every enrich job shares: one listing per account serves all its calls, across
 * processes, timed to when their records are due (listing-plan.ts), waking the jobs it serves.
 */
export function createEnrichLookups(deps: {
  config: Config;
  redis: Redis;
  keys: Keys;
  enrichQueue: Queue;
  ringcentral: RingCentralClient;
  /** Every Call Log page fetched, after the calls it served were woken (reconcile recovers lost calls). */
  onCallLogRecords?: (records: RingCentralCallRecord[]) => Promise<void>;
}) {
  const { config, redis, keys, ringcentral } = deps;
  const activePending = createActivePending(redis, keys);
  const visibility = createVisibilityStore(redis, keys, {
    minMs: config.enrich.visibilityDelayMs,
    maxMs: config.enrich.visibilityMaxMs,
  });
  const listingWaiters = createListingWaiters(redis, keys, deps.enrichQueue);
  const timing = createListingTiming({
    pending: activePending,
    visibility,
    heavy: ringcentral.budgets.Heavy,
    evenGapMs: config.enrich.pollIntervalMs,
    callLogIntervalMs: config.enrich.callLogIntervalMs,
    callLogDelayMs: config.enrich.callLogDelayMs,
  });
  const heavy = config.ringcentral.heavy;
  return {
    callLogPending: createCallLogPending(redis, keys),
    activePending,
    visibility,
    listingWaiters,
    activeCalls: createSharedListing({
      redis,
      keys,
      kind: 'active-calls',
      // The pace the Heavy budget sustains unless ENRICH_POLL_INTERVAL_MS says otherwise.
      minIntervalMs:
        config.enrich.pollIntervalMs ?? Math.ceil((heavy.windowMs + heavy.safetyMs) / heavy.limit),
      fetchAll: activeCallsFetcher(ringcentral),
      nextListingAt: timing.activeCalls,
      onSaved: (accountId, records) => listingWaiters.wake('active-calls', accountId, records),
    }),
    callLog: createSharedListing({
      redis,
      keys,
      kind: 'call-log',
      minIntervalMs: config.enrich.callLogIntervalMs,
      fetchAll: callLogFetcher(ringcentral, redis, keys),
      nextListingAt: timing.callLog,
      onSaved: async (accountId, records) => {
        await listingWaiters.wake('call-log', accountId, records);
        await deps.onCallLogRecords?.(records);
      },
    }),
  };
}
