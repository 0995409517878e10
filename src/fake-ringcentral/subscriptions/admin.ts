import type { ReminderEnvelope } from '../calls/types.js';
import type { Deliverer } from '../notifications/deliverer.js';
import { randomDigits, type Random } from '../random.js';
import type { DeliveryLogEntry } from '../types.js';
import { toSubscriptionInfo, type SubscriptionStore } from './store.js';
import type { FakeSubscription, SubscriptionRecord } from './types.js';

interface Deps {
  store: SubscriptionStore;
  deliverer: Deliverer;
  random: Random;
  now: () => number;
  baseUrl: () => string;
}

export interface FakeSubscriptions {
  /** Every live (not expired) subscription, blacklisted ones included. */
  list(): FakeSubscription[];
  get(id: string): FakeSubscription | undefined;
  /** Mark as Blacklisted: no more notifications, renew/PUT fail with 400 SUB-526. */
  blacklist(id: string, reason?: string): void;
  /** Expire now: the subscription disappears from every listing and gets nothing more. */
  expire(id: string): void;
  /**
   * POST a renewal reminder, `{uuid, event: <its subscription/~?threshold=..&interval=.. filter>,
   * timestamp, subscriptionId, ownerId, body: {expiresIn}}`. Throws if the subscription is unknown,
   * blacklisted, or has no reminder filter. Resolves with the delivery outcome.
   */
  sendRenewalReminder(id: string): Promise<DeliveryLogEntry>;
}

/** The test-facing control of subscriptions (what RingCentral does on its own side). */
export function createSubscriptionAdmin({ store, deliverer, random, now, baseUrl }: Deps): FakeSubscriptions {
  const view = (r: SubscriptionRecord): FakeSubscription => ({
    ...toSubscriptionInfo(r, baseUrl(), now()),
    ownerId: r.ownerId,
    verificationToken: r.verificationToken,
  });
  const mustGet = (id: string) => {
    const record = store.get(id);
    if (!record) throw new Error(`fake RingCentral: no subscription ${id}`);
    return record;
  };

  return {
    list: () => store.list().map(view),
    get: (id) => {
      const record = store.get(id);
      return record && view(record);
    },
    blacklist(id, reason = 'Webhook responses with code: [503], reason: [Service Unavailable]') {
      const record = mustGet(id);
      record.status = 'Blacklisted';
      record.blacklistedData = { reason, blacklistedAt: new Date(now()).toISOString() };
    },
    expire(id) {
      mustGet(id).expiresAt = now();
    },
    async sendRenewalReminder(id) {
      const record = mustGet(id);
      if (record.status !== 'Active')
        throw new Error(`fake RingCentral: subscription ${id} is ${record.status}`);
      const filter = record.eventFilters.find((f) => f.startsWith('/restapi/v1.0/subscription/~?'));
      if (!filter)
        throw new Error(`fake RingCentral: subscription ${id} has no renewal-reminder event filter`);
      const t = now();
      const envelope: ReminderEnvelope = {
        uuid: randomDigits(random, 19),
        event: filter,
        timestamp: new Date(t).toISOString(),
        subscriptionId: record.id,
        ownerId: record.ownerId,
        body: { expiresIn: Math.max(0, Math.floor((record.expiresAt - t) / 1000)) },
      };
      return deliverer.deliver(record, envelope, { kind: 'reminder' });
    },
  };
}
