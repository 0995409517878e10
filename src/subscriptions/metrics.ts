import { Counter, Gauge, type Registry } from 'prom-client';
import { AbsentUntilSet, reuse } from '../infra/metrics.js';
import { subscriptionStates } from './types.js';
import type { SubscriptionSnapshot } from './state.js';

/**
 * The subscription's metrics, on the service's registry:
 * - `rc_enrich_subscription_state{state}`: 1 for the current state, 0 for the others (all 0 before the
 *   first check); alert on `rc_enrich_subscription_state{state="active"} == 0`;
 * - `rc_enrich_subscription_repairs_total{action}`: renewals and re-creations done by the keeper;
 * - `rc_enrich_subscription_expiry_timestamp_seconds`: when the subscription expires.
 */
export function createSubscriptionMetrics(registry: Registry) {
  const registers = [registry];
  const state = reuse(
    registry,
    'rc_enrich_subscription_state',
    () =>
      new Gauge({
        name: 'rc_enrich_subscription_state',
        help: 'Webhook subscription state as last checked: 1 for the current one (active, expiring, blacklisted, missing)',
        labelNames: ['state'] as const,
        registers,
      }),
  );
  const repairs = reuse(
    registry,
    'rc_enrich_subscription_repairs_total',
    () =>
      new Counter({
        name: 'rc_enrich_subscription_repairs_total',
        help: 'Webhook subscription repairs by the keeper, by action (renewed, recreated)',
        labelNames: ['action'] as const,
        registers,
      }),
  );
  const expiry = reuse(
    registry,
    'rc_enrich_subscription_expiry_timestamp_seconds',
    () =>
      new AbsentUntilSet({
        name: 'rc_enrich_subscription_expiry_timestamp_seconds',
        help: 'When the webhook subscription expires (Unix time); absent while there is none, and before the first check',
        registers,
      }),
  );
  for (const name of subscriptionStates) state.set({ state: name }, 0);

  return {
    repaired(action: 'renewed' | 'recreated') {
      repairs.inc({ action });
    },
    show(snapshot: Pick<SubscriptionSnapshot, 'state' | 'expiresAt'> | undefined) {
      for (const name of subscriptionStates) state.set({ state: name }, name === snapshot?.state ? 1 : 0);
      const expiresAt = snapshot?.expiresAt ? Date.parse(snapshot.expiresAt) : NaN;
      expiry.show(
        Number.isNaN(expiresAt) || snapshot?.state === 'missing' ? undefined : Math.floor(expiresAt / 1000),
      );
    },
  };
}

export type SubscriptionMetrics = ReturnType<typeof createSubscriptionMetrics>;
