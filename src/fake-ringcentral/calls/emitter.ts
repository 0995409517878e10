import type { Deliverer } from '../notifications/deliverer.js';
import { filterCovers } from '../notifications/covers.js';
import { randomDigits } from '../random.js';
import type { SubscriptionStore } from '../subscriptions/store.js';
import type { SubscriptionRecord } from '../subscriptions/types.js';
import { partyEvent } from './parties.js';
import type { CallState } from './state.js';
import type { EmitOptions, NotificationEnvelope } from './types.js';

/** `subscriptionId` of envelopes generated while no Active subscription covers the event. */
export const unaddressedSubscriptionId = '00000000-0000-4000-8000-000000000000';

interface Deps {
  subscriptions: SubscriptionStore;
  deliverer: Deliverer;
  now: () => number;
  ownerId: string;
  /** True for a notification to lose (RingCentral never sends it); see the `notificationLoss` option. */
  drop?: () => boolean;
}

/**
 * Turns party events into envelopes, one per Active subscription covering each event (or one
 * unaddressed envelope if none does), records them on the call and, if the call delivers, POSTs
 * them. Deliveries of one call are chained: each event reaches a subscription only after the
 * previous one was answered, so a call's notifications arrive in sequence order.
 */
export function createEmitter({ subscriptions, deliverer, now, ownerId, drop = () => false }: Deps) {
  const chains = new WeakMap<CallState, Promise<unknown>>();

  function envelopesFor(c: CallState, spec: EmitOptions) {
    const sequence = spec.sequence ?? c.nextSequence++;
    const iso = new Date(now()).toISOString();
    const { event, body } = partyEvent(c, spec, sequence, spec.eventTime ?? iso);
    const party = body.parties[0];
    const targets = subscriptions
      .active()
      .filter((sub) => sub.eventFilters.some((filter) => filterCovers(filter, c.accountId, party)));
    const make = (subscriptionId: string, owner: string): NotificationEnvelope => ({
      uuid: randomDigits(c.random, 19),
      event,
      timestamp: iso,
      subscriptionId,
      ownerId: owner,
      body,
    });
    if (targets.length === 0) return [{ envelope: make(unaddressedSubscriptionId, ownerId), sub: undefined }];
    return targets.map((sub) => ({ envelope: make(sub.id, sub.ownerId), sub }));
  }

  return async function emit(c: CallState, specs: EmitOptions[]): Promise<NotificationEnvelope[]> {
    const batches = specs.map((spec) => envelopesFor(c, spec));
    const envelopes = batches.flat().map((b) => b.envelope);
    c.notifications.push(...envelopes);
    if (!c.deliver) return envelopes;

    const previous = chains.get(c) ?? Promise.resolve();
    const link = previous.then(async () => {
      for (const batch of batches) {
        const addressed = batch.filter(
          (b): b is { envelope: NotificationEnvelope; sub: SubscriptionRecord } => Boolean(b.sub) && !drop(),
        );
        await Promise.all(
          addressed.map(({ envelope, sub }) =>
            deliverer.deliver(sub, envelope, {
              kind: 'notification',
              telephonySessionId: c.telephonySessionId,
              sequence: envelope.body.sequence,
            }),
          ),
        );
      }
    });
    chains.set(c, link);
    await deliverer.track(link);
    return envelopes;
  };
}

export type Emit = ReturnType<typeof createEmitter>;
