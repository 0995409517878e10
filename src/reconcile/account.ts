import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Keys } from '../infra/keys.js';
import type { RingCentralClient } from '../ringcentral/client.js';

/**
 * The account id a recovered call is delivered under. It must be the id the notifications carry
 * (`parties[].accountId`), because the idempotency key is derived from it: records name it in their
 * `uri` (`…/account/<id>/extension/…`); otherwise `GET /account/~` (Light) says, cached for a day.
 */
export function createAccountIdResolver(client: RingCentralClient, redis: Redis, keys: Keys) {
  return async (records: RingCentralCallRecord[]): Promise<string> => {
    for (const record of records) {
      const fromUri =
        typeof record.uri === 'string' ? /\/account\/([^/~]+)\//.exec(record.uri)?.[1] : undefined;
      if (fromUri) return decodeURIComponent(fromUri);
    }
    const cached = await redis.get(keys.accountId());
    if (cached) return cached;
    const { data } = await client.request<{ id?: string | number }>({
      path: '/restapi/v1.0/account/~',
      group: 'Light',
      priority: 'background',
    });
    if (data?.id === undefined) throw new Error('RingCentral did not say which account the token belongs to');
    const id = String(data.id);
    await redis.set(keys.accountId(), id, 'EX', 24 * 3600);
    return id;
  };
}

export type AccountIdResolver = ReturnType<typeof createAccountIdResolver>;
