import type { NotificationEnvelope } from '../calls/types.js';
import type { SubscriptionStore } from '../subscriptions/store.js';
import type { DeliveryLogEntry } from '../types.js';
import type { Deliverer } from './deliverer.js';

export interface FakeNotifications {
  /**
   * POST envelopes (e.g. ones a call generated with delivery off) to their subscription's address
   * with its Verification-Token, one after another in the order given: duplicates and reordering are
   * up to the caller. Blacklisted subscriptions are skipped (as RingCentral would); unknown or
   * expired subscription ids throw.
   */
  deliver(envelopes: readonly NotificationEnvelope<unknown>[]): Promise<DeliveryLogEntry[]>;
  /** Resolves when no notification POST is in flight. */
  idle(): Promise<void>;
}

export function createNotificationsApi(store: SubscriptionStore, deliverer: Deliverer): FakeNotifications {
  return {
    async deliver(envelopes) {
      const entries: DeliveryLogEntry[] = [];
      for (const envelope of envelopes) {
        const sub = store.get(envelope.subscriptionId);
        if (!sub)
          throw new Error(`fake RingCentral: no subscription ${envelope.subscriptionId} to deliver to`);
        if (sub.status !== 'Active') continue;
        const body = envelope.body as { telephonySessionId?: string; sequence?: number };
        entries.push(
          await deliverer.deliver(sub, envelope, {
            kind: 'notification',
            telephonySessionId: body.telephonySessionId,
            sequence: body.sequence,
          }),
        );
      }
      return entries;
    },
    idle: () => deliverer.idle(),
  };
}
