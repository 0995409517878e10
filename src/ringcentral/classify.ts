import {
  ErrorCode,
  PermanentError,
  ReauthenticateError,
  RetryableError,
  parseRetryAfter,
} from '../errors.js';

/** The body RingCentral sends with errors: `{errorCode, message, errors:[{errorCode, message, permissionName}]}`. */
interface RingCentralErrorBody {
  errorCode?: string;
  message?: string;
  error?: string;
  error_description?: string;
  permissionName?: string;
  errors?: Array<{ errorCode?: string; message?: string; permissionName?: string }>;
}

interface SdkError extends Error {
  response?: Response;
}

/**
 * Classify anything the SDK threw, once, into what the caller must do:
 * retry later (429, 5xx, network), re-authenticate (401), or give up with a clear reason (403, 404, 400).
 */
export async function classifyRingCentralError(
  err: unknown,
  context: string,
  defaultRetryAfterMs: number,
): Promise<Error> {
  if (err instanceof RetryableError || err instanceof PermanentError || err instanceof ReauthenticateError) {
    return err;
  }
  const response = (err as SdkError | undefined)?.response;
  if (!response) {
    const reason = err instanceof Error ? err.message : String(err);
    return new RetryableError(`${context}: network error: ${reason}`, ErrorCode.Network, undefined, {
      cause: err,
    });
  }
  const body = await readBody(response);
  const code = body.errors?.[0]?.errorCode ?? body.errorCode ?? body.error;
  const message = body.errors?.[0]?.message ?? body.message ?? body.error_description ?? response.statusText;
  const detail = `${context}: HTTP ${response.status}${code ? ` ${code}` : ''}: ${message}`;
  const status = response.status;

  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after')) ?? defaultRetryAfterMs;
    return new RetryableError(detail, ErrorCode.RateLimited, retryAfterMs, { cause: err });
  }
  if (status >= 500 || status === 408) {
    return new RetryableError(
      detail,
      ErrorCode.Unavailable,
      parseRetryAfter(response.headers.get('retry-after')),
      {
        cause: err,
      },
    );
  }
  if (status === 401) return new ReauthenticateError(detail, { cause: err });
  if (status === 403) {
    const permission = body.permissionName ?? body.errors?.find((e) => e.permissionName)?.permissionName;
    const hint = permission ? ` (the RingCentral app needs the "${permission}" permission)` : '';
    return new PermanentError(detail + hint, ErrorCode.PermissionDenied, { cause: err });
  }
  if (status === 404) return new PermanentError(detail, ErrorCode.NotFound, { cause: err });
  return new PermanentError(detail, ErrorCode.BadRequest, { cause: err });
}

async function readBody(response: Response): Promise<RingCentralErrorBody> {
  try {
    const text = await response.clone().text();
    return text ? (JSON.parse(text) as RingCentralErrorBody) : {};
  } catch {
    return {};
  }
}

/** The HTTP status of an SDK error as a metric label; '0' for network errors and timeouts. */
export function statusOf(err: unknown): string {
  const status = (err as { response?: Response } | undefined)?.response?.status;
  return status ? String(status) : '0';
}
