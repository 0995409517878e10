import type { SubscriptionInfo, SubscriptionRecord } from './types.js';

/** RingCentral: "limited to 30 subscriptions per user/extension (for particular application)". */
export const maxSubscriptionsPerOwner = 30;

/** Subscriptions by id. Expired ones are dropped whenever the store is read ("expired disappear"). */
export function createSubscriptionStore(now: () => number) {
  const records = new Map<string, SubscriptionRecord>();

  function purge(): void {
    const t = now();
    for (const [id, record] of records) if (record.expiresAt <= t) records.delete(id);
  }

  return {
    add(record: SubscriptionRecord): void {
      records.set(record.id, record);
    },
    get(id: string): SubscriptionRecord | undefined {
      purge();
      return records.get(id);
    },
    remove: (id: string) => records.delete(id),
    list(ownerId?: string): SubscriptionRecord[] {
      purge();
      return [...records.values()].filter((r) => ownerId === undefined || r.ownerId === ownerId);
    },
    /** Active (not blacklisted, not expired) subscriptions: the only ones notifications go to. */
    active(): SubscriptionRecord[] {
      purge();
      return [...records.values()].filter((r) => r.status === 'Active');
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;

export function toSubscriptionInfo(
  record: SubscriptionRecord,
  baseUrl: string,
  now: number,
): SubscriptionInfo {
  return {
    uri: `${baseUrl}/restapi/v1.0/subscription/${record.id}`,
    id: record.id,
    creationTime: new Date(record.createdAt).toISOString(),
    status: record.status,
    eventFilters: [...record.eventFilters],
    ...(record.disabledFilters.length > 0 ? { disabledFilters: [...record.disabledFilters] } : {}),
    expirationTime: new Date(record.expiresAt).toISOString(),
    expiresIn: Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
    deliveryMode: { transportType: 'WebHook', encryption: false, address: record.address },
    ...(record.blacklistedData ? { blacklistedData: { ...record.blacklistedData } } : {}),
  };
}
