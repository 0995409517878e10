import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../../src/calls/types.js';
import { createSharedListing } from '../../src/enrich/shared-listing.js';
import { createKeys } from '../../src/infra/keys.js';
import { cleanupPrefix, redisUrl } from '../helpers/config.js';

const prefix = `test-listing-${process.pid}`;
let connections: Redis[] = [];
beforeAll(() => {
  connections = [new Redis(redisUrl), new Redis(redisUrl), new Redis(redisUrl)];
});
afterEach(() => cleanupPrefix(prefix));
afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
});

const record = (n: number, result = 'Call connected'): RingCentralCallRecord => ({
  id: `rec-${n}`,
  sessionId: `${1000 + n}`,
  telephonySessionId: `s-${n}`,
  startTime: new Date(Date.now() - 60_000).toISOString(),
  direction: 'Inbound',
  result,
});

/** A listing source that counts calls and answers after a small delay, like a real request. */
function source(records: () => RingCentralCallRecord[]) {
  const calls = { count: 0 };
  const fetchAll = async () => {
    calls.count++;
    await new Promise((resolve) => setTimeout(resolve, 30));
    return records();
  };
  return { calls, fetchAll };
}

/** An account's shared listing of `kind` on one Redis connection (a process), under the test prefix. */
const sharedListing = (
  fetchAll: () => Promise<RingCentralCallRecord[]>,
  minIntervalMs: number,
  kind: 'active-calls' | 'call-log' = 'active-calls',
  redis = connections[0]!,
) => createSharedListing({ redis, keys: createKeys(prefix), kind, minIntervalMs, fetchAll });

describe('shared listing › single flight', () => {
  it('100 pending calls across three processes are served by one request', async () => {
    const { calls, fetchAll } = source(() => Array.from({ length: 100 }, (_, n) => record(n)));
    const listings = connections.map((redis) => sharedListing(fetchAll, 5_000, 'active-calls', redis));
    const notBefore = Date.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        listings[n % 3]!.lookup('acc', { telephonySessionId: `s-${n}`, sessionId: `${1000 + n}` }, notBefore),
      ),
    );
    expect(calls.count).toBe(1);
    expect(results.every((result) => result.status === 'matched')).toBe(true);
    expect(results.filter((result) => result.fetched)).toHaveLength(1);
  });

  it('a call absent from the latest listing waits for the next one, no sooner than the interval', async () => {
    let visible = false;
    const { calls, fetchAll } = source(() => (visible ? [record(1)] : []));
    const listing = sharedListing(fetchAll, 300);
    const call = { telephonySessionId: 's-1', sessionId: '1001' };
    const first = await listing.lookup('acc', call, Date.now());
    expect(first.status).toBe('absent');
    // Asking again at once (a newer notBefore) must not spend another request before the interval.
    const again = await listing.lookup('acc', call, Date.now());
    expect(again.status).toBe('waiting');
    expect(calls.count).toBe(1);
    visible = true;
    await new Promise((resolve) =>
      setTimeout(resolve, first.status === 'matched' ? 0 : first.retryAt - Date.now()),
    );
    const later = await listing.lookup('acc', call, Date.now() - 10);
    expect(later.status).toBe('matched');
    expect(calls.count).toBe(2);
  });

  it('a record already in the latest listing matches, even when the call asks for a later one', async () => {
    const { calls, fetchAll } = source(() => [record(1), record(2)]);
    const listing = sharedListing(fetchAll, 5_000);
    const first = await listing.lookup('acc', { telephonySessionId: 's-1', sessionId: '1001' }, Date.now());
    expect(first.status).toBe('matched');
    // Call 2 expected its record only from now on (its learned visibility delay): it showed sooner,
    // and the listing that has it serves it at once instead of one a whole gap later.
    const second = await listing.lookup(
      'acc',
      { telephonySessionId: 's-2', sessionId: '1002' },
      Date.now() + 1_000,
    );
    expect(second).toMatchObject({ status: 'matched', fetched: false });
    expect(calls.count).toBe(1);
  });

  it('a record still In Progress does not match', async () => {
    const { fetchAll } = source(() => [record(1, 'In Progress')]);
    const listing = sharedListing(fetchAll, 100);
    const result = await listing.lookup('acc', { telephonySessionId: 's-1', sessionId: '1001' }, Date.now());
    expect(result.status).toBe('in-progress');
  });

  it('matches by sessionId when the record has no telephonySessionId, but never across sessions', async () => {
    const withoutTsid = { ...record(1), telephonySessionId: undefined };
    const otherSession = { ...record(2), sessionId: '1001' };
    const { fetchAll } = source(() => [withoutTsid, otherSession]);
    const listing = sharedListing(fetchAll, 100, 'call-log');
    const result = await listing.lookup('acc', { telephonySessionId: 's-1', sessionId: '1001' }, Date.now());
    expect(result.status).toBe('matched');
    expect(result.status === 'matched' && result.records.map((r) => r.id)).toEqual(['rec-1']);
  });
});
