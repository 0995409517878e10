import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { RingCentralClient } from './client.js';

/**
 * The one RingCentral account rc-enrich serves: the account its credentials belong to. A notification's
 * `accountId` is the sender's word, and lookups are paid from one shared budget, so a call of any other
 * account is never looked up: the webhook drops it once the account is known, and the enrich worker,
 * which learns it from RingCentral (`GET /account/~`, once, kept in Redis for every process), drops what
 * slipped through before that. A later multi-account setting would widen `isOurs`.
 */
export function createAccountIdentity(deps: {
  redis: Redis;
  keys: Keys;
  /** Only processes that talk to RingCentral (workers) can learn the account; the api only reads it. */
  ringcentral?: Pick<RingCentralClient, 'request'>;
}) {
  let cached: string | undefined;

  async function known(): Promise<string | undefined> {
    cached ??= (await deps.redis.get(deps.keys.account())) ?? undefined;
    return cached;
  }

  async function learn(client: Pick<RingCentralClient, 'request'>): Promise<string> {
    const { data } = await client.request<{ id?: string | number }>({
      path: '/restapi/v1.0/account/~',
      group: 'Light',
    });
    if (data?.id === undefined)
      throw new Error('RingCentral did not say which account the credentials belong to');
    const id = String(data.id);
    await deps.redis.set(deps.keys.account(), id);
    cached = id;
    return id;
  }

  // A burst of calls asks at once: one request per process, the others wait for its answer.
  let learning: Promise<string> | undefined;
  async function resolve(): Promise<string> {
    const stored = await known();
    if (stored) return stored;
    if (!deps.ringcentral) throw new Error('the RingCentral account is not known yet in this process');
    learning ??= learn(deps.ringcentral).finally(() => {
      learning = undefined;
    });
    return learning;
  }

  return {
    known,
    resolve,
    /** Whether calls of this account are ours to enrich (learning the account if need be). */
    async isOurs(accountId: string): Promise<boolean> {
      return accountId === (await resolve());
    },
  };
}

export type AccountIdentity = ReturnType<typeof createAccountIdentity>;
