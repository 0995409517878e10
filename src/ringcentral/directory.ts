import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ExtensionDirectory, ExtensionInfo } from '../adapters/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, PermanentError, RetryableError } from '../errors.js';
import type { Keys } from '../infra/keys.js';
import type { RingCentralClient } from './client.js';

/** Extension and account facts change rarely; a day's cache keeps lookups to a few per extension a day. */
const FOUND_TTL_SECONDS = 24 * 3600;
/** An extension RingCentral does not know (deleted): asked again after an hour. */
const MISSING_TTL_SECONDS = 3600;

/** Waits up to this long are waited out inside the lookup; longer ones fail it (the owner falls back). */
const SHORT_WAIT_MS = 1_000;

interface ExtensionBody {
  id?: number | string;
  extensionNumber?: string;
  name?: string;
  type?: string;
  contact?: { email?: string; firstName?: string; lastName?: string };
}

interface AccountBody {
  regionalSettings?: { timezone?: { name?: string } };
}

/**
 * What rc-enrich asks RingCentral about people: an extension's type, name and contact email (owner
 * mapping), and the account's time zone. Both come from the extension and account info endpoints, in
 * the Light group (50 a minute, apart from the Heavy budget the call lookups share), cached in Redis
 * for every process, and asked once at a time per process.
 */
export function createRingCentralDirectory(deps: {
  ringcentral: Pick<RingCentralClient, 'request'>;
  redis: Redis;
  keys: Keys;
  logger: Logger;
}): ExtensionDirectory {
  const inFlight = new Map<string, Promise<unknown>>();

  async function cached<T>(item: string, fetch: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = deps.keys.directory(item);
    const hit = await deps.redis.get(key);
    if (hit !== null) return hit === '' ? undefined : (JSON.parse(hit) as T);
    let pending = inFlight.get(item) as Promise<T | undefined> | undefined;
    if (!pending) {
      pending = (async () => {
        const value = await fetch();
        const ttl = value === undefined ? MISSING_TTL_SECONDS : FOUND_TTL_SECONDS;
        await deps.redis.set(key, value === undefined ? '' : JSON.stringify(value), 'EX', ttl);
        return value;
      })().finally(() => inFlight.delete(item));
      inFlight.set(item, pending);
    }
    return pending;
  }

  async function get<T>(path: string): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await deps.ringcentral.request<T>({ path, group: 'Light', priority: 'lookup' })).data;
      } catch (err) {
        if (err instanceof PermanentError && err.code === ErrorCode.NotFound) return undefined;
        // A slot taken under us by another request wants a moment's wait, not a failed lookup.
        const wait = err instanceof RetryableError ? err.retryAfterMs : undefined;
        if (attempt < 5 && wait !== undefined && wait <= SHORT_WAIT_MS) await sleep(wait);
        else throw err;
      }
    }
  }

  return {
    extension(extensionId) {
      if (!/^\d+$/.test(extensionId)) return Promise.resolve(undefined);
      return cached<ExtensionInfo>(`extension:${extensionId}`, async () => {
        const body = await get<ExtensionBody>(`/restapi/v1.0/account/~/extension/${extensionId}`);
        if (!body) return undefined;
        const info: ExtensionInfo = { id: String(body.id ?? extensionId) };
        if (body.type) info.type = body.type;
        if (body.name) info.name = body.name;
        if (body.extensionNumber) info.extensionNumber = body.extensionNumber;
        if (body.contact?.email) info.email = body.contact.email.trim().toLowerCase();
        return info;
      });
    },
    async accountTimeZone() {
      const zone = await cached<string>('account:timezone', async () => {
        const body = await get<AccountBody>('/restapi/v1.0/account/~');
        return body?.regionalSettings?.timezone?.name;
      });
      return zone;
    },
  };
}
