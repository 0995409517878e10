import type { Redis } from 'ioredis';
import type { RingCentralCallRecord } from '../calls/types.js';
import type { Keys } from '../infra/keys.js';
import { runExclusive } from '../infra/redis-lock.js';
import { createListingStore, type ListingKind } from './listing-store.js';
import { matchRecords } from './match.js';

export type LookupResult =
  | {
      status: 'matched';
      records: RingCentralCallRecord[];
      fetchId: string;
      /** When the listing that had the record was sent. */
      listedAt: number;
      fetched: boolean;
    }
  /** A listing sent at `listedAt` had no finished record of the call. */
  | { status: 'absent' | 'in-progress'; retryAt: number; fetchId: string; listedAt: number; fetched: boolean }
  /** No listing recent enough could be had yet. */
  | { status: 'waiting'; retryAt: number; fetchId?: undefined; fetched: boolean };

interface Options {
  redis: Redis;
  keys: Keys;
  kind: ListingKind;
  /** Minimum time between two listings of one account (paces the shared Heavy budget). */
  minIntervalMs: number;
  /**
   * When the account's next listing may go out, given when the last one did: by default
   * `minIntervalMs` after it; Active Calls listings are timed to when records are due (listing-timing.ts).
   */
  nextListingAt?: (accountId: string, lastListedAt: number | undefined, notBefore: number) => Promise<number>;
  /** Fetches the whole listing (all pages). Throws RetryableError when the budget says wait. */
  fetchAll: (accountId: string) => Promise<RingCentralCallRecord[]>;
  lockTtlMs?: number;
  /** Called once a new listing is saved, after the lock is released (wakes the jobs waiting for its records). */
  onSaved?: (accountId: string, records: RingCentralCallRecord[]) => Promise<void>;
}

/**
 * One listing serves every pending call of an account. A call asks for a listing sent after its
 * `notBefore` time; if the latest one is older, exactly one caller across all workers and processes
 * (a Redis lock) fetches a new one, no sooner than `minIntervalMs` after the previous, while the others
 * wait for it and read their records from the shared index.
 */
export function createSharedListing({
  redis,
  keys,
  kind,
  minIntervalMs,
  fetchAll,
  lockTtlMs = 60_000,
  onSaved,
  nextListingAt = async (_accountId, lastListedAt) => (lastListedAt ?? -Infinity) + minIntervalMs,
}: Options) {
  const store = createListingStore(redis, keys, kind, Math.max(30, Math.ceil((3 * minIntervalMs) / 1000)));
  const lockKey = (accountId: string) => keys.listingLock(kind, accountId);

  /** One caller fetches; the others wait for it and then read what it saved ('not-now' to them). */
  async function fetchFresh(accountId: string, notBefore: number): Promise<'fetched' | 'not-now'> {
    const notNow = 'not-now' as const;
    const options = {
      ttlMs: lockTtlMs,
      waitMs: lockTtlMs,
      pollMs: 50,
      reuse: async () => ({ value: notNow }),
      onTimeout: () => notNow,
    };
    const saved = await runExclusive(redis, lockKey(accountId), options, async () => {
      // Another process may have fetched while we were getting here.
      const meta = await store.meta(accountId);
      if (meta && meta.startedAt >= notBefore) return notNow;
      if (meta && Date.now() < (await nextListingAt(accountId, meta.startedAt, notBefore))) return notNow;
      const startedAt = Date.now();
      const records = await fetchAll(accountId);
      await store.save(accountId, startedAt, records);
      return records;
    });
    if (saved === notNow) return notNow;
    // Once saved, the listing is everyone's: what follows (waking its calls, a feature reading the page)
    // need not keep the other callers out of the lock.
    await onSaved?.(accountId, saved);
    return 'fetched';
  }

  return {
    kind,
    store,
    /**
     * Look a call up in a listing sent at or after `notBefore`. Fetches one when due and allowed;
     * otherwise says when to ask again (`retryAt`).
     */
    async lookup(accountId: string, call: CallKeys, notBefore: number): Promise<LookupResult> {
      let fetched = false;
      for (let round = 0; round < 3; round++) {
        const meta = await store.meta(accountId);
        if (meta) {
          const listing = { fetchId: meta.fetchId, listedAt: meta.startedAt, fetched };
          // A finished record matches in any listing, even one sent before the time the call asked
          // for: records can show sooner than the call expected (the visibility delay is learned from
          // listings, so it errs late), and the listing that has it may be the one already here.
          const match = matchRecords(await store.find(accountId, meta.fetchId, call));
          if (match.status === 'matched') return { ...match, ...listing };
          // Only a listing sent at or after `notBefore` says the record is absent.
          if (meta.startedAt >= notBefore) {
            const retryAt = await nextListingAt(accountId, meta.startedAt, meta.startedAt + 1);
            if (Date.now() < retryAt) return { status: match.status, retryAt, ...listing };
            // Absent from a listing that is already old enough to be replaced: ask for a newer one.
            notBefore = meta.startedAt + 1;
          }
        }
        const nextAllowed = await nextListingAt(accountId, meta?.startedAt, notBefore);
        if (Date.now() < nextAllowed) return { status: 'waiting', retryAt: nextAllowed, fetched };
        if ((await fetchFresh(accountId, notBefore)) === 'fetched') fetched = true;
      }
      return { status: 'waiting', retryAt: Date.now() + Math.min(minIntervalMs, 1_000), fetched };
    },
  };
}

interface CallKeys {
  telephonySessionId: string;
  sessionId: string;
}

export type SharedListing = ReturnType<typeof createSharedListing>;
