import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ErrorCode, PermanentError, RetryableError } from '../errors.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import { tryLock, waitForUnlock } from '../ringcentral/redis-lock.js';
import {
  HandshakeFailedError,
  SubscriptionLimitError,
  SubscriptionPermissionError,
  errorCodesOf,
  permissionNameOf,
  ringCentralErrorBody,
} from './errors.js';
import {
  TELEPHONY_SESSIONS_FILTER,
  desiredFilters,
  hasDesiredFilters,
  isOurs,
  isTelephonySessionsFilter,
  reminderTiming,
  webhookAddress,
} from './filters.js';
import { classify, renewThresholdMs, type SubscriptionStore } from './state.js';
import {
  subscriptionInfoSchema,
  subscriptionListSchema,
  type EnsureAction,
  type SubscriptionInfo,
  type SubscriptionState,
} from './types.js';

const base = '/restapi/v1.0/subscription';
/** RingCentral's answers when validating the address failed: token not returned, unreachable, invalid answer. */
const handshakeCodes = new Set(['SUB-520', 'SUB-521', 'SUB-525']);
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
  client: RingCentralClient;
  config: Config;
  redis: Redis;
  store: SubscriptionStore;
  logger: Logger;
}

/**
 * Our webhook subscription on RingCentral: find it, create it, renew it, delete it. Changes run under
 * a Redis lock so the CLI and the keeper (in any process) never create two at once.
 */
export function createSubscriptionManager({ client, config, redis, store, logger }: Deps) {
  const settings = config.subscription;
  const timing = reminderTiming(settings.expiresInSeconds, settings.renewBeforeMs);

  function address(): string {
    if (!config.webhook.publicUrl) {
      throw new PermanentError(
        'PUBLIC_URL is not set: set it to the public HTTPS base URL RingCentral can reach this service at',
        ErrorCode.Config,
      );
    }
    return webhookAddress(config.webhook.publicUrl);
  }

  /** Every subscription of this app and user (RingCentral keeps at most 30). */
  async function list(): Promise<SubscriptionInfo[]> {
    const response = await call(() => client.request<unknown>({ path: base, group: 'Light' }));
    return subscriptionListSchema.parse(response.data).records;
  }

  /** Ours, best first: Active before anything else, then the latest expiry. */
  async function findOurs(): Promise<SubscriptionInfo[]> {
    const target = address();
    const ours = (await list()).filter((subscription) => isOurs(subscription, target));
    const expiry = (s: SubscriptionInfo) => (s.expirationTime ? Date.parse(s.expirationTime) || 0 : 0);
    return ours.sort(
      (a, b) => Number(b.status === 'Active') - Number(a.status === 'Active') || expiry(b) - expiry(a),
    );
  }

  async function create(): Promise<SubscriptionInfo> {
    const target = address();
    const verificationToken = config.webhook.verificationToken;
    if (!verificationToken) {
      throw new PermanentError(
        'WEBHOOK_VERIFICATION_TOKEN is not set: the service refuses notifications without it',
        ErrorCode.Config,
      );
    }
    const body = {
      eventFilters: desiredFilters(timing),
      deliveryMode: { transportType: 'WebHook', address: target, verificationToken },
      // Top level: inside deliveryMode it is silently ignored and RingCentral's ~7-day default applies.
      expiresIn: settings.expiresInSeconds,
    };
    const created = await call(
      () => client.request<unknown>({ method: 'POST', path: base, body, group: 'Medium' }),
      target,
    );
    const subscription = subscriptionInfoSchema.parse(created.data);
    const disabled = subscription.disabledFilters?.find((entry) => isTelephonySessionsFilter(entry.filter));
    if (disabled) {
      // Without the telephony filter it is of no use to us (and would not be recognised as ours).
      await remove(subscription.id);
      throw new SubscriptionPermissionError(
        'CallControl',
        `RingCentral disabled the ${TELEPHONY_SESSIONS_FILTER} filter: ${disabled.message ?? disabled.reason ?? 'no reason given'}`,
      );
    }
    await rememberLifetime(subscription);
    logger.info({ subscriptionId: subscription.id, address: target }, 'webhook subscription created');
    return subscription;
  }

  /** POST …/renew (Light, empty body): extends the subscription by its lifetime. */
  async function renew(id: string): Promise<SubscriptionInfo> {
    const response = await call(() =>
      client.request<unknown>({
        method: 'POST',
        path: `${base}/${encodeURIComponent(id)}/renew`,
        group: 'Light',
      }),
    );
    const subscription = subscriptionInfoSchema.parse(response.data);
    await rememberLifetime(subscription);
    return subscription;
  }

  /** PUT with our filters and lifetime: repairs the filters and renews in one request. */
  async function update(id: string): Promise<SubscriptionInfo> {
    const response = await call(() =>
      client.request<unknown>({
        method: 'PUT',
        path: `${base}/${encodeURIComponent(id)}`,
        body: { eventFilters: desiredFilters(timing), expiresIn: settings.expiresInSeconds },
        group: 'Medium',
      }),
    );
    const subscription = subscriptionInfoSchema.parse(response.data);
    await rememberLifetime(subscription);
    return subscription;
  }

  /** Delete one subscription; one that is already gone counts as deleted. */
  async function remove(id: string): Promise<void> {
    try {
      await call(() =>
        client.request<unknown>({
          method: 'DELETE',
          path: `${base}/${encodeURIComponent(id)}`,
          group: 'Medium',
        }),
      );
    } catch (err) {
      if (err instanceof PermanentError && err.code === ErrorCode.NotFound) return;
      throw err;
    }
  }

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

  /** The lifetime RingCentral granted: its own `expiresIn` right after create/renew (no clock skew). */
  async function rememberLifetime(subscription: SubscriptionInfo): Promise<void> {
    const expiresAt = subscription.expirationTime ? Date.parse(subscription.expirationTime) : NaN;
    const lifetimeMs =
      subscription.expiresIn !== undefined ? subscription.expiresIn * 1000 : expiresAt - Date.now();
    if (Number.isFinite(lifetimeMs) && lifetimeMs > 0) await store.setLifetime(lifetimeMs);
  }

  async function withLock<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + lockTtlMs;
    while (Date.now() < deadline) {
      const release = await tryLock(redis, store.lockKey, lockTtlMs);
      if (release) {
        try {
          return await fn();
        } finally {
          await release();
        }
      }
      await waitForUnlock(redis, store.lockKey, Math.max(0, deadline - Date.now()), 100);
    }
    throw new RetryableError(
      'Another rc-enrich process is changing the webhook subscription; try again in a minute',
      ErrorCode.Unavailable,
    );
  }

  return { address, timing, list, findOurs, create, renew, update, remove, ensure, removeOurs };
}

export type SubscriptionManager = ReturnType<typeof createSubscriptionManager>;

/**
 * Run one RingCentral request and turn the subscription-specific refusals into errors that say what
 * to do: a missing permission (named), the 30-subscription limit, a failed handshake.
 */
async function call<T>(send: () => Promise<T>, handshakeAddress?: string): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof PermanentError)) throw err;
    const body = await ringCentralErrorBody(err);
    const codes = errorCodesOf(body);
    const detail = err.message;
    // SUB-505 comes as a 403 too: check it before the permission errors.
    if (codes.includes('SUB-505')) throw new SubscriptionLimitError(detail, { cause: err });
    if (err.code === ErrorCode.PermissionDenied) {
      throw new SubscriptionPermissionError(permissionNameOf(body) ?? 'SubscriptionWebhook', detail, {
        cause: err,
      });
    }
    const addressRefused =
      codes.some((code) => handshakeCodes.has(code)) ||
      (body.errors ?? []).some((entry) => entry.parameterName === 'deliveryMode.address');
    if (handshakeAddress && err.code === ErrorCode.BadRequest && addressRefused) {
      throw new HandshakeFailedError(handshakeAddress, detail, { cause: err });
    }
    throw err;
  }
}
