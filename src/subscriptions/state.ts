import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { EnsureAction, SubscriptionInfo, SubscriptionState } from './types.js';

/**
 * Which of the four states a subscription is in. Anything but `Active` (RingCentral's `Blacklisted`,
 * the older `Suspended`) no longer delivers and can only be deleted and re-created
 * (https://developers.ringcentral.com/guide/notifications/webhooks/troubleshooting).
 */
export function classify(
  subscription: SubscriptionInfo | undefined,
  now: number,
  renewThresholdMs: number,
): SubscriptionState {
  if (!subscription) return 'missing';
  if (subscription.status !== 'Active') return 'blacklisted';
  const expiresAt = subscription.expirationTime ? Date.parse(subscription.expirationTime) : NaN;
  if (Number.isNaN(expiresAt)) return 'active';
  return expiresAt - now <= renewThresholdMs ? 'expiring' : 'active';
}

/**
 * Renew when less than `renewBeforeMs` is left, but never sooner than half the lifetime RingCentral
 * actually granted (it may grant less than we ask; renewing at every check would be pointless).
 */
export function renewThresholdMs(
  settings: { renewBeforeMs: number; expiresInSeconds: number },
  grantedLifetimeMs?: number,
): number {
  const candidates = [settings.renewBeforeMs, (settings.expiresInSeconds * 1000) / 2];
  if (grantedLifetimeMs && grantedLifetimeMs > 0) candidates.push(grantedLifetimeMs / 2);
  return Math.min(...candidates);
}

/** The last check, as `/health/ready`, the metrics and `rc-enrich subscriptions` report it. */
export interface SubscriptionSnapshot {
  state: SubscriptionState;
  id?: string;
  status?: string;
  expiresAt?: string;
  blacklistedReason?: string;
  checkedAt: string;
  lastAction?: { action: EnsureAction; at: string; previousState: SubscriptionState; previousId?: string };
  lastError?: string;
}

export function snapshotOf(
  subscription: SubscriptionInfo | undefined,
  state: SubscriptionState,
  now: number,
): SubscriptionSnapshot {
  return {
    state,
    id: subscription?.id,
    status: subscription?.status,
    expiresAt: subscription?.expirationTime,
    blacklistedReason: subscription?.blacklistedData?.reason,
    checkedAt: new Date(now).toISOString(),
  };
}

/**
 * What we remember in Redis under `keys.subscription()` (one small hash, shared by every process):
 * - `last`: the last snapshot;
 * - `wanted`: "1" after `subscribe` (or once the keeper has seen ours), "0" after `unsubscribe`:
 *   the keeper re-creates a vanished subscription only when it is wanted;
 * - `lifetimeMs`: the lifetime RingCentral granted at the last create or renew.
 */
export function createSubscriptionStore(redis: Redis, keys: Keys) {
  const key = keys.subscription();
  return {
    lockKey: `${key}:lock`,
    async read(): Promise<{ snapshot?: SubscriptionSnapshot; wanted?: boolean; lifetimeMs?: number }> {
      const fields = await redis.hgetall(key);
      return {
        snapshot: fields.last ? (JSON.parse(fields.last) as SubscriptionSnapshot) : undefined,
        wanted: fields.wanted === undefined ? undefined : fields.wanted === '1',
        lifetimeMs: fields.lifetimeMs ? Number(fields.lifetimeMs) : undefined,
      };
    },
    async record(snapshot: SubscriptionSnapshot): Promise<void> {
      await redis.hset(key, 'last', JSON.stringify(snapshot));
    },
    async setWanted(wanted: boolean): Promise<void> {
      await redis.hset(key, 'wanted', wanted ? '1' : '0');
    },
    async setLifetime(lifetimeMs: number): Promise<void> {
      await redis.hset(key, 'lifetimeMs', String(Math.round(lifetimeMs)));
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
