import { RetryableError } from '../errors.js';

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with jitter, capped, that never retries sooner than the CRM's `Retry-After`.
 * With the defaults (5 s doubling to 1 h, 25 attempts) a CRM may be down for about 15 hours before
 * a call becomes a dead letter.
 */
export function crmBackoff({ baseMs, maxMs }: BackoffSettings, random = Math.random) {
  return (attemptsMade: number, _type: string | undefined, err: Error | undefined): number => {
    const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
    const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
    const retryAfter = retryAfterOf(err);
    return Math.max(jittered, retryAfter ?? 0);
  };
}

/** Our own errors carry `retryAfterMs`; a user adapter may set the same property on any Error. */
function retryAfterOf(err: Error | undefined): number | undefined {
  if (err instanceof RetryableError) return err.retryAfterMs;
  const value = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
