import type { Logger } from 'pino';
import type { NotificationEnvelope } from '../calls/types.js';
import type { Stats } from '../observe/stats.js';
import type { SubscriptionRecord } from '../subscriptions/types.js';
import type { DeliveryLogEntry } from '../types.js';
import type { Poster } from './post.js';

interface Deps {
  poster: Poster;
  stats: Stats;
  logger: Logger;
  now: () => number;
  timeoutMs: number;
}

export interface DeliveryMeta {
  kind: DeliveryLogEntry['kind'];
  telephonySessionId?: string;
  sequence?: number;
}

/**
 * POSTs one envelope to one subscription's address the way RingCentral does
 * (https://developers.ringcentral.com/guide/notifications/webhooks/receiving), never
 * retries, and logs the outcome. `idle()` waits for every delivery still in flight.
 */
export function createDeliverer({ poster, stats, logger, now, timeoutMs }: Deps) {
  const inFlight = new Set<Promise<unknown>>();

  async function attempt(
    sub: SubscriptionRecord,
    envelope: NotificationEnvelope<unknown>,
    meta: DeliveryMeta,
  ) {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/json; charset=UTF-8',
      'User-Agent': 'RingCentral-Webhook/8.3',
      ...(sub.verificationToken ? { 'Verification-Token': sub.verificationToken } : {}),
    };
    const entry: DeliveryLogEntry = {
      ...meta,
      uuid: envelope.uuid,
      subscriptionId: sub.id,
      address: sub.address,
      ok: false,
      time: now(),
    };
    try {
      const result = await poster.post(sub.address, headers, JSON.stringify(envelope), timeoutMs);
      entry.status = result.status;
      entry.ok = result.status >= 200 && result.status < 300;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
    }
    // How long the receiver took to answer: the benchmark's "webhook ack" figure.
    entry.durationMs = now() - entry.time;
    if (!entry.ok) logger.debug({ delivery: entry }, 'fake RingCentral notification not accepted');
    stats.recordDelivery(entry);
    return entry;
  }

  /** Count a promise as delivery work until it settles, so `idle()` waits for it. */
  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.then(
      () => inFlight.delete(promise),
      () => inFlight.delete(promise),
    );
    return promise;
  }

  return {
    deliver: (sub: SubscriptionRecord, envelope: NotificationEnvelope<unknown>, meta: DeliveryMeta) =>
      track(attempt(sub, envelope, meta)),
    track,
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
