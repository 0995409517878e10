import type { RateLimitGroup, RateLimitRule } from './types.js';

interface Bucket {
  /** Arrival times of accepted requests still inside the window, oldest first. */
  accepted: number[];
  penaltyUntil: number;
}

export interface RateDecision {
  allowed: boolean;
  /** `X-Rate-Limit-*` headers, sent on every answer of a limited route (429 included). */
  headers: Record<string, string>;
  /** Seconds until the penalty ends, set when refused. */
  retryAfterSec?: number;
}

/**
 * RingCentral's user-level limits (https://developers.ringcentral.com/guide/basics/rate-limits): a sliding window per (token owner, group); once the
 * limit is reached every request is refused for the penalty, and each refused request restarts it
 * ("it may stuck in the 429 trap forever"). Refused requests do not enter the window.
 */
export function createRateLimiter(rules: Record<RateLimitGroup, RateLimitRule>, now: () => number) {
  const buckets = new Map<string, Bucket>();

  return {
    hit(key: string, group: RateLimitGroup): RateDecision {
      const rule = rules[group];
      const t = now();
      const id = `${group}\u0000${key}`;
      let bucket = buckets.get(id);
      if (!bucket) buckets.set(id, (bucket = { accepted: [], penaltyUntil: 0 }));
      while (bucket.accepted.length > 0 && (bucket.accepted[0] ?? 0) <= t - rule.windowMs)
        bucket.accepted.shift();

      const headers: Record<string, string> = {
        'X-Rate-Limit-Group': group.toLowerCase(),
        'X-Rate-Limit-Limit': String(rule.limit),
        'X-Rate-Limit-Window': String(rule.windowMs / 1000),
      };
      if (t < bucket.penaltyUntil || bucket.accepted.length >= rule.limit) {
        bucket.penaltyUntil = t + rule.penaltyMs;
        headers['X-Rate-Limit-Remaining'] = '0';
        return { allowed: false, headers, retryAfterSec: rule.penaltyMs / 1000 };
      }
      bucket.accepted.push(t);
      headers['X-Rate-Limit-Remaining'] = String(rule.limit - bucket.accepted.length);
      return { allowed: true, headers };
    },
    reset: () => buckets.clear(),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
