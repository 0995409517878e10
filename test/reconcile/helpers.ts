import { expect } from 'vitest';
import type { FakeCall } from '../../src/fake-ringcentral/index.js';
import { createReconcileStore } from '../../src/reconcile/state.js';
import type { RunningService } from '../../src/runtime.js';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, type Stack } from '../helpers/stack.js';

/** Reconcile often and trust a call's end after a short grace: the fast simulator's figures. */
export const reconcileEnv = { RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '300' };

/** Resolves once a reconcile scan completes after `since` (a real event, not a sleep). */
export async function scanCompletedAfter(service: RunningService, since: number, timeoutMs = 15_000) {
  const store = createReconcileStore(service.services.redis, service.services.keys);
  return eventually(async () => {
    const state = await store.read();
    return state.lastSuccessAt !== undefined && state.lastSuccessAt > since ? state : undefined;
  }, timeoutMs);
}

/**
 * Every call reached the CRM, and exactly once: one POST per call, none signed twice. Waits for all of
 * them, then for one more complete reconcile scan, so a late duplicate would have been sent by then.
 */
export async function expectEachDeliveredOnce(stack: Stack, calls: FakeCall[], timeoutMs = 30_000) {
  await eventually(
    async () => calls.every((call) => deliveredCalls(stack.crm).has(call.telephonySessionId)),
    timeoutMs,
  );
  const service = stack.services.at(-1)!;
  await scanCompletedAfter(service, Date.now());
  const { enrich, deliver } = service.services.queues;
  await eventually(async () => {
    const counts = await Promise.all([enrich, deliver].map((queue) => queue.getJobCounts()));
    return counts.every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0);
  }, timeoutMs);
  const delivered = deliveredCalls(stack.crm);
  for (const call of calls)
    expect(delivered.has(call.telephonySessionId), call.telephonySessionId).toBe(true);
  expect(stack.crm.requests).toHaveLength(calls.length);
  expect(stack.crm.records.size).toBe(calls.length);
  return delivered;
}
