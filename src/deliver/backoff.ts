import { RetryableError } from '../errors.js';
import { capRetryAfter } from '../infra/retry-after-cap.js';

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** DELIVERY_MAX_RETRY_AFTER_MS: a CRM's Retry-After is honoured up to this long, no longer. */
  maxRetryAfterMs: number;
}

/**
 * How long to wait before the next attempt at a delivery: exponential with jitter, capped, and never
 * sooner than the CRM's `Retry-After` (itself capped at DELIVERY_MAX_RETRY_AFTER_MS). With the defaults (5 s doubling to 1 h, 25 attempts) a CRM may
 * be down for about 15 hours before a call becomes a dead letter.
 *
 * `attempt` is the attempt that just failed, counted from 1; `random` is in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  err: unknown,
  { baseMs, maxMs, maxRetryAfterMs }: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, capRetryAfter(retryAfterOf(err) ?? 0, maxRetryAfterMs).ms);
}

/** Our own errors carry `retryAfterMs`; a user adapter may set the same property on any Error. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof RetryableError) return err.retryAfterMs;
  const value = (err as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/** A failed delivery whose next attempt the deliver processor already timed (deliver/verdict.ts). */
export class ScheduledRetry extends Error {
  override name = 'ScheduledRetry';
  constructor(
    message: string,
    readonly retryAt: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * BullMQ's custom backoff for the deliver queue. It carries out the time the processor decided; any
 * other failure of the job (Redis, say) gets the same backoff computed here.
 */
export function crmBackoff(settings: BackoffSettings, random: () => number = Math.random, now = Date.now) {
  return (attemptsMade: number, _type: string | undefined, err: Error | undefined): number =>
    err instanceof ScheduledRetry
      ? Math.max(0, err.retryAt - now())
      : retryDelayMs(attemptsMade, err, settings, random);
}
