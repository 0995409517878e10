import type { ListingKind } from './listing-store.js';
import type { LookupResult } from './shared-listing.js';
import { LoginError, ReauthenticateError, RetryableError } from '../errors.js';

/** What a lookup came back with: RingCentral's answer (or the shared listing's "not yet"), or what it threw. */
export type LookupOutcome = { result: LookupResult } | { error: unknown };

/** What earlier runs of a call's job saw in one source. */
export interface SourceHistory {
  /** Listings that answered without a finished record of the call, each listing counted once. */
  misses: number;
  /** When the latest of those listings was sent. */
  lastListedAt?: number;
  /** Of those misses, the ones sent after the call's visibility deadline (the record should have shown). */
  missesPastDeadline?: number;
  /** Lookups in a row that failed because RingCentral did not answer (429, 5xx, network, login). */
  failures: number;
}

/**
 * Kept in the enrich job's data between runs, so a plan can tell "RingCentral answered without the
 * call" from "RingCentral could not be asked", and how many listings already missed it.
 */
export type LookupHistory = Partial<Record<ListingKind, SourceHistory>>;

const empty: SourceHistory = { misses: 0, failures: 0 };

/**
 * The history after one lookup; the same object when the lookup taught nothing new (a listing read
 * before, or a "wait for the next listing"), so the caller writes only on change.
 */
export function recordLookup(
  history: LookupHistory | undefined,
  source: ListingKind,
  outcome: LookupOutcome,
  /** When the call's record should have shown in this source at the latest (see listing-plan.ts). */
  deadline = Infinity,
): LookupHistory | undefined {
  const before = history?.[source] ?? empty;
  let after: SourceHistory | undefined;
  if ('error' in outcome) {
    if (isRingCentralFailure(outcome.error)) {
      after = { ...before, failures: before.failures + 1 };
    }
  } else if (outcome.result.status === 'absent' || outcome.result.status === 'in-progress') {
    const { listedAt } = outcome.result;
    if (before.lastListedAt === undefined || listedAt > before.lastListedAt) {
      const late = (before.missesPastDeadline ?? 0) + (listedAt >= deadline ? 1 : 0);
      after = {
        misses: before.misses + 1,
        lastListedAt: listedAt,
        failures: 0,
        ...(late > 0 ? { missesPastDeadline: late } : {}),
      };
    }
  }
  return after ? { ...history, [source]: after } : history;
}

/** RingCentral could not be asked (429, 5xx, network, login, a 401): says nothing about the call. */
export function isRingCentralFailure(error: unknown): boolean {
  return (
    error instanceof RetryableError || error instanceof LoginError || error instanceof ReauthenticateError
  );
}
