import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ErrorCode, PermanentError } from '../errors.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import { RingCentralRefusal } from '../ringcentral/classify.js';
import { HandshakeFailedError, SubscriptionLimitError, SubscriptionPermissionError } from './errors.js';
import {
  TELEPHONY_SESSIONS_FILTER,
  desiredFilters,
  isOurs,
  isTelephonySessionsFilter,
  reminderTiming,
} from './event-filters.js';
import { webhookAddress } from '../webhook/path.js';
import type { SubscriptionStore } from './state.js';
import { subscriptionInfoSchema, subscriptionListSchema, type SubscriptionInfo } from './types.js';

const base = '/restapi/v1.0/subscription';
/** RingCentral's answers when validating the address failed: token not returned, unreachable, invalid answer. */
const handshakeCodes = new Set(['SUB-520', 'SUB-521', 'SUB-525']);

interface Deps {
  client: Pick<RingCentralClient, 'request'>;
  config: Config;
  store: SubscriptionStore;
  logger: Logger;
}

/**
 * RingCentral's subscription endpoints, one function each, with refusals turned into errors that say
 * what to do. No decisions here: which one to call is the manager's job.
 */
export function createSubscriptionApi({ client, config, store, logger }: Deps) {
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

  /** The lifetime RingCentral granted: its own `expiresIn` right after create/renew (no clock skew). */
  async function rememberLifetime(subscription: SubscriptionInfo): Promise<void> {
    const expiresAt = subscription.expirationTime ? Date.parse(subscription.expirationTime) : NaN;
    const lifetimeMs =
      subscription.expiresIn !== undefined ? subscription.expiresIn * 1000 : expiresAt - Date.now();
    if (Number.isFinite(lifetimeMs) && lifetimeMs > 0) await store.setLifetime(lifetimeMs);
  }

  return { address, timing, list, findOurs, create, renew, update, remove };
}

export type SubscriptionApi = ReturnType<typeof createSubscriptionApi>;

/**
 * Run one RingCentral request and turn the subscription-specific refusals into errors that say what
 * to do: a missing permission (named), the 30-subscription limit, a failed handshake.
 */
async function call<T>(send: () => Promise<T>, handshakeAddress?: string): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof RingCentralRefusal)) throw err;
    const codes = err.errorCodes;
    const detail = err.message;
    // SUB-505 comes as a 403 too: check it before the permission errors.
    if (codes.includes('SUB-505')) throw new SubscriptionLimitError(detail, { cause: err });
    if (err.code === ErrorCode.PermissionDenied) {
      throw new SubscriptionPermissionError(err.permission ?? 'SubscriptionWebhook', detail, {
        cause: err,
      });
    }
    const addressRefused =
      codes.some((code) => handshakeCodes.has(code)) || err.parameters.includes('deliveryMode.address');
    if (handshakeAddress && err.code === ErrorCode.BadRequest && addressRefused) {
      throw new HandshakeFailedError(handshakeAddress, detail, { cause: err });
    }
    throw err;
  }
}
