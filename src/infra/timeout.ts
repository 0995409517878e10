/** Thrown by `withTimeout` when the promise did not settle in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * The promise's result, or `onTimeout()`'s error once `ms` pass (the promise itself runs on: use it
 * for waits that cannot be aborted). The timer is always cleared, so it never holds the process open.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error = () => new TimeoutError(`no answer in ${ms} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the promise settled within `ms` (its own failure is passed on, not taken for a timeout). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withTimeout(promise, ms);
    return true;
  } catch (err) {
    if (err instanceof TimeoutError) return false;
    throw err;
  }
}

export interface Deadline {
  /** Aborts with the deadline's reason after `ms`, or as soon as a parent signal aborts. */
  readonly signal: AbortSignal;
  /** Whether it was the deadline (not a parent) that fired. */
  expired(): boolean;
  /** Stops the timer; call it once the work is over. */
  clear(): void;
}

/**
 * A signal that aborts `ms` from now with `reason()`, joined with any `parents` (a delivery's signal,
 * shutdown). A plain timer, not `AbortSignal.timeout()`: on Node 20 a timeout signal held only by
 * `AbortSignal.any()` can be garbage-collected and then never fires (checked with --expose-gc), which
 * turns a hung CRM into a hung delivery.
 */
export function createDeadline(
  ms: number,
  reason: () => Error,
  ...parents: Array<AbortSignal | undefined>
): Deadline {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(reason()), ms);
  const joined = parents.filter((parent): parent is AbortSignal => parent !== undefined);
  return {
    signal: joined.length > 0 ? AbortSignal.any([own.signal, ...joined]) : own.signal,
    expired: () => own.signal.aborted,
    clear: () => clearTimeout(timer),
  };
}
