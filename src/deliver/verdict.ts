import { PermanentError } from '../errors.js';
import { capRetryAfter } from '../infra/retry-after-cap.js';
import { retryAfterOf, retryDelayMs, type BackoffSettings } from './backoff.js';

/** What the deliver processor reads to judge an attempt. */
export interface DeliveryLimits {
  /** DELIVERY_ATTEMPTS: the job's attempts in all. */
  attempts: number;
  backoff: BackoffSettings;
}

export type AttemptResult = { ok: true } | { ok: false; error: unknown };

export type DeliveryVerdict =
  | { outcome: 'delivered' }
  /** `error` is the failure's message for the story and logs; `cause` the failure itself. */
  /** `retryAfterAskedMs`: the CRM's Retry-After, when it was longer than the cap and shortened. */
  | { outcome: 'retry'; at: number; error: string; cause: unknown; retryAfterAskedMs?: number }
  | { outcome: 'dead-letter'; error: string; permanent: boolean; cause: unknown };

/**
 * After one attempt at handing a call to a CRM: done, retry at a time, or dead letter (the adapter
 * said retrying cannot help, or the attempts are used up). `attempt` counts from 1.
 */
export function deliveryVerdict(
  result: AttemptResult,
  attempt: number,
  limits: DeliveryLimits,
  now: number,
  random: () => number = Math.random,
): DeliveryVerdict {
  if (result.ok) return { outcome: 'delivered' };
  const { error } = result;
  const message = error instanceof Error ? error.message : String(error);
  // An adapter outside this codebase may mark any Error permanent instead of subclassing ours.
  const permanent =
    error instanceof PermanentError || (error as { permanent?: unknown } | null)?.permanent === true;
  if (permanent || attempt >= limits.attempts)
    return { outcome: 'dead-letter', error: message, permanent, cause: error };
  const at = now + retryDelayMs(attempt, error, limits.backoff, random);
  const asked = retryAfterOf(error);
  const { askedMs } = capRetryAfter(asked ?? 0, limits.backoff.maxRetryAfterMs);
  return {
    outcome: 'retry',
    at,
    error: message,
    cause: error,
    ...(askedMs !== undefined ? { retryAfterAskedMs: askedMs } : {}),
  };
}
