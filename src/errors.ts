/**
 * Errors say what the caller must do: retry later, re-authenticate, or give up.
 * Callers branch with `instanceof`, never on message text. Codes are stable strings for logs and metrics.
 */
export const ErrorCode = {
  RateLimited: 'RATE_LIMITED',
  Unavailable: 'UPSTREAM_UNAVAILABLE',
  Network: 'NETWORK',
  Unauthorized: 'UNAUTHORIZED',
  PermissionDenied: 'PERMISSION_DENIED',
  NotFound: 'NOT_FOUND',
  BadRequest: 'BAD_REQUEST',
  UntrustedHost: 'UNTRUSTED_HOST',
  DeliveryRejected: 'DELIVERY_REJECTED',
  DeliveryFailed: 'DELIVERY_FAILED',
  Config: 'CONFIG',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Try again later; `retryAfterMs` says when, if the other side told us. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The credentials were refused: log in again, then retry. */
export class ReauthenticateError extends Error {
  override name = 'ReauthenticateError';
  readonly code = ErrorCode.Unauthorized;
}

/** Retrying cannot help (a missing permission, a 404, a rejected record): give up with this reason. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    message: string,
    readonly code: ErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** For adapters: throw to have the delivery retried, optionally no sooner than `retryAfterMs`. */
export class RetryableDeliveryError extends RetryableError {
  override name = 'RetryableDeliveryError';
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, ErrorCode.DeliveryFailed, retryAfterMs, options);
  }
}

/** For adapters: throw to send the call straight to the dead letters. */
export class PermanentDeliveryError extends PermanentError {
  override name = 'PermanentDeliveryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ErrorCode.DeliveryRejected, options);
  }
}

/** Parse a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** RingCentral refused our credentials at login: nothing works until an operator fixes the config. */
export class LoginError extends PermanentError {
  override name = 'LoginError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ErrorCode.Unauthorized, options);
  }
}
