import { insufficientPermissions, invalidParameter, rcError } from '../http/errors.js';
import type { DisabledFilter } from './types.js';

/** WebHook maximum lifetime (spec); larger values are capped, as RingCentral caps perPage. */
export const maxExpiresIn = 315_360_000;
/** Default when `expiresIn` is omitted: ~7 days, as observed. */
export const defaultExpiresIn = 604_800;

interface Context {
  accountId: string;
  ownerExtensionId: string;
  permissions: Set<string>;
}

const reminderFilter = /^\/restapi\/v1\.0\/subscription\/~\?(.*)$/;
const accountFilter = /^\/restapi\/v1\.0\/account\/([^/?]+)(?:\/extension\/([^/?]+))?(\/[^?]*)?(\?.*)?$/;

/**
 * Expand `~`, reject filters RingCentral would not know (400 SUB-508) or another account's (403 SUB-406),
 * and move telephony filters to `disabledFilters` when the app lacks CallControl (403 if nothing is left).
 */
export function parseEventFilters(value: unknown, ctx: Context) {
  if (!Array.isArray(value) || value.length === 0 || value.some((f) => typeof f !== 'string' || f === '')) {
    throw invalidParameter('eventFilters');
  }
  const eventFilters: string[] = [];
  const disabledFilters: DisabledFilter[] = [];
  const invalid: string[] = [];
  for (const filter of value as string[]) {
    const reminder = reminderFilter.exec(filter);
    if (reminder) {
      const params = new URLSearchParams(reminder[1]);
      const positive = (name: string) => /^\d+$/.test(params.get(name) ?? '') && Number(params.get(name)) > 0;
      if (positive('threshold') && positive('interval')) eventFilters.push(filter);
      else invalid.push(filter);
      continue;
    }
    const match = accountFilter.exec(filter);
    if (!match) {
      invalid.push(filter);
      continue;
    }
    const [, account = '', extension, rest = '', query = ''] = match;
    if (account !== '~' && account !== ctx.accountId) {
      throw rcError(403, 'SUB-406', 'Not allowed subscribe for events to extensions of other account');
    }
    const ext =
      extension === undefined ? '' : `/extension/${extension === '~' ? ctx.ownerExtensionId : extension}`;
    const expanded = `/restapi/v1.0/account/${ctx.accountId}${ext}${rest}${query}`;
    if (rest === '/telephony/sessions' && !ctx.permissions.has('CallControl')) {
      const message =
        'In order to subscribe to this event filter, application needs to have [CallControl] permission';
      disabledFilters.push({ filter: expanded, reason: 'InsufficientPermissions', message });
    } else eventFilters.push(expanded);
  }
  if (invalid.length > 0) throw rcError(400, 'SUB-508', `Invalid event filters: [${invalid.join(', ')}]`);
  if (eventFilters.length === 0) throw insufficientPermissions('CallControl');
  return { eventFilters, disabledFilters };
}

export function parseExpiresIn(value: unknown, fallback = defaultExpiresIn): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw invalidParameter('expiresIn', value);
  return Math.min(value, maxExpiresIn);
}

export function parseDeliveryMode(value: unknown): { address: string; verificationToken?: string } {
  const mode = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) throw invalidParameter('deliveryMode');
  if (mode.transportType !== 'WebHook')
    throw invalidParameter('deliveryMode.transportType', mode.transportType);
  const address = mode.address;
  if (typeof address !== 'string' || !/^https?:\/\//i.test(address) || !URL.canParse(address)) {
    throw invalidParameter('deliveryMode.address', address);
  }
  const token = mode.verificationToken;
  if (token !== undefined && typeof token !== 'string')
    throw invalidParameter('deliveryMode.verificationToken');
  return { address, verificationToken: token };
}
