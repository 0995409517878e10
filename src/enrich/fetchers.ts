import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Keys } from '../infra/keys.js';
import type { RequestPriority } from '../ringcentral/budget.js';
import type { RingCentralClient } from '../ringcentral/client.js';

interface CallLogResponse {
  records: RingCentralCallRecord[];
  paging?: { page?: number; totalPages?: number };
  navigation?: { nextPage?: { uri: string } };
}

/** RingCentral's largest page: one request usually serves the whole account. */
const perPage = 1000;
const maxPages = 20;

async function fetchPages(
  client: RingCentralClient,
  path: string,
  query: Record<string, string | number>,
  priority: RequestPriority,
): Promise<RingCentralCallRecord[]> {
  const records: RingCentralCallRecord[] = [];
  for (let page = 1; page <= maxPages; page++) {
    // Each page is one Heavy request; the client refuses to send it if the shared budget is spent.
    const { data } = await client.request<CallLogResponse>({
      path,
      query: { ...query, perPage, page },
      group: 'Heavy',
      priority,
    });
    records.push(...(data.records ?? []));
    const totalPages = data.paging?.totalPages;
    const more = totalPages !== undefined ? page < totalPages : Boolean(data.navigation?.nextPage);
    if (!more) break;
  }
  return records;
}

/** Every call of the account in RingCentral's Active Calls cache, ended ones included: first in line. */
export function activeCallsFetcher(client: RingCentralClient) {
  return (accountId: string) =>
    fetchPages(
      client,
      `/restapi/v1.0/account/${encodeURIComponent(accountId)}/active-calls`,
      { view: 'Simple' },
      'due',
    );
}

/**
 * One Call Log query over the time range of every call still waiting for it, instead of one query
 * per call: the range starts a little before the oldest waiting call was first seen.
 */
export function callLogFetcher(
  client: RingCentralClient,
  redis: Redis,
  keys: Keys,
  marginMs = 5 * 60 * 1000,
) {
  return async (accountId: string) => {
    const [, oldest] = await redis.zrange(keys.callLogPending(accountId), '0', '0', 'WITHSCORES');
    const now = Date.now();
    const from = (oldest ? Number(oldest) : now - 60 * 60 * 1000) - marginMs;
    return fetchPages(
      client,
      `/restapi/v1.0/account/${encodeURIComponent(accountId)}/call-log`,
      {
        view: 'Detailed',
        dateFrom: new Date(from).toISOString(),
        dateTo: new Date(now + 60_000).toISOString(),
      },
      'lookup',
    );
  };
}

/** Bookkeeping for callLogFetcher's range: calls enter when they start waiting for the Call Log. */
export function createCallLogPending(redis: Redis, keys: Keys) {
  return {
    async add(accountId: string, telephonySessionId: string, firstSeenAt: number) {
      const key = keys.callLogPending(accountId);
      // Bounded: anything older than the longest call-log window we would ever wait is dropped.
      await redis
        .multi()
        .zadd(key, 'NX', String(firstSeenAt), telephonySessionId)
        .zremrangebyscore(key, '-inf', String(Date.now() - 2 * 24 * 3600 * 1000))
        .expire(key, 2 * 24 * 3600)
        .exec();
    },
    remove: (accountId: string, telephonySessionId: string) =>
      redis.zrem(keys.callLogPending(accountId), telephonySessionId),
  };
}
