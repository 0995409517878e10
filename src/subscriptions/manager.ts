import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ErrorCode, PermanentError, RetryableError } from '../errors.js';
import { runExclusive } from '../infra/redis-lock.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import { hasDesiredFilters } from './event-filters.js';
import { createSubscriptionApi } from './subscription-api.js';
import { classify, renewThresholdMs, type SubscriptionStore } from './state.js';
import type { EnsureAction, SubscriptionInfo, SubscriptionState } from './types.js';

/** Longer than the slowest create (3 s handshake + request timeout); released as soon as we finish. */
const lockTtlMs = 60_000;

export interface EnsureOptions {
  /**
   * Create one when none of ours exists (subscribe: yes; keeper: only when it is wanted). A function
   * is asked under the lock, so an `unsubscribe` running at the same time is never undone.
   */
  allowCreate: boolean | (() => Promise<boolean>);
  /** Renew even if not yet due (RingCentral's reminder arrived, or `rc-enrich renew`). */
  forceRenew?: boolean;
  /** Told what was found before anything changes, so a failed repair still reports the state. */
  onObserved?: (state: SubscriptionState, found: SubscriptionInfo | undefined) => void;
}

export interface EnsureResult {
  action: EnsureAction | 'none';
  previousState: SubscriptionState;
  previous?: SubscriptionInfo;
  subscription?: SubscriptionInfo;
  /** Duplicates of ours that were deleted. */
  removed: string[];
}

interface Deps {
  client: Pick<RingCentralClient, 'request'>;
  config: Config;
  redis: Redis;
  store: SubscriptionStore;
  logger: Logger;
}

/**
 * Our webhook subscription on RingCentral, kept at exactly one healthy copy: the decisions (reuse,
 * renew, repair, re-create, remove duplicates) on top of the endpoints in subscription-api.ts. Changes
 * run under a Redis lock so the CLI and the keeper (in any process) never create two at once.
 */
export function createSubscriptionManager({ client, config, redis, store, logger }: Deps) {
  const settings = config.subscription;
  const api = createSubscriptionApi({ client, config, store, logger });
  const { timing, findOurs, create, renew, update, remove } = api;

  /** Get to exactly one healthy subscription of ours, doing as little as possible. */
  async function ensure(options: EnsureOptions): Promise<EnsureResult> {
    return withLock(async () => {
      const [best, ...extras] = await findOurs();
      const removed: string[] = [];
      for (const extra of extras) {
        await remove(extra.id);
        removed.push(extra.id);
        logger.warn({ subscriptionId: extra.id }, 'deleted a duplicate webhook subscription');
      }
      const stored = await store.read();
      const previousState = classify(best, Date.now(), renewThresholdMs(settings, stored.lifetimeMs));
      options.onObserved?.(previousState, best);
      const result = (action: EnsureResult['action'], subscription?: SubscriptionInfo): EnsureResult => ({
        action,
        previousState,
        previous: best,
        subscription,
        removed,
      });

      if (!best) {
        const allowed =
          typeof options.allowCreate === 'function' ? await options.allowCreate() : options.allowCreate;
        return allowed ? result('created', await create()) : result('none');
      }
      if (previousState === 'blacklisted') {
        await remove(best.id);
        return result('recreated', await create());
      }
      if (!hasDesiredFilters(best, timing)) return result('updated', await orRecreate(() => update(best.id)));
      if (previousState === 'expiring' || options.forceRenew) {
        return result('renewed', await orRecreate(() => renew(best.id)));
      }
      return result('reused', best);
    });
  }

  /** Delete every subscription of ours (and nothing else); returns the ids deleted. */
  async function removeOurs(): Promise<string[]> {
    return withLock(async () => {
      const ours = await findOurs();
      for (const subscription of ours) await remove(subscription.id);
      return ours.map((subscription) => subscription.id);
    });
  }

  /** A subscription that vanished between the listing and the renewal is created again. */
  async function orRecreate(change: () => Promise<SubscriptionInfo>): Promise<SubscriptionInfo> {
    try {
      return await change();
    } catch (err) {
      if (err instanceof PermanentError && err.code === ErrorCode.NotFound) return create();
      throw err;
    }
  }

  function withLock<T>(fn: () => Promise<T>): Promise<T> {
    const options = {
      ttlMs: lockTtlMs,
      waitMs: lockTtlMs,
      pollMs: 100,
      onTimeout: (): T => {
        throw new RetryableError(
          'Another rc-enrich process is changing the webhook subscription; try again in a minute',
          ErrorCode.Unavailable,
        );
      },
    };
    return runExclusive(redis, store.lockKey, options, fn);
  }

  return { ...api, ensure, removeOurs };
}

export type SubscriptionManager = ReturnType<typeof createSubscriptionManager>;
