import {
  ErrorCode,
  PermanentError,
  ReauthenticateError,
  RetryableError,
  parseRetryAfter,
} from '../errors.js';

/**
 * The body RingCentral sends with errors: `{errorCode, message, errors: [{errorCode, message,
 * permissionName, parameterName}]}`; its OAuth endpoint sends `{error, error_description}` instead.
 */
interface RingCentralErrorBody {
  errorCode?: string;
  message?: string;
  error?: string;
  error_description?: string;
  permissionName?: string;
  errors?: Array<{ errorCode?: string; message?: string; permissionName?: string; parameterName?: string }>;
}

/**
 * RingCentral refused the request for good (403, 404, other 4xx). It carries what RingCentral said, so
 * callers that branch on a RingCentral code (SUB-505, the handshake codes) read it here, parsed once.
 */
export class RingCentralRefusal extends PermanentError {
  override name = 'RingCentralRefusal';
  constructor(
    message: string,
    code: ErrorCode,
    /** Every RingCentral error code in the body, top-level first (`CMN-401`, `SUB-505`, `invalid_grant`). */
    readonly errorCodes: readonly string[],
    /** The permission the app lacks, when RingCentral names it (403 CMN-401 / CMN-408). */
    readonly permission: string | undefined,
    /** The request parameters RingCentral blamed (`deliveryMode.address`). */
    readonly parameters: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}

interface SdkError extends Error {
  response?: Response;
}

/**
 * Classify anything the SDK threw, once, into what the caller must do: retry later (429, 5xx, 408,
 * network), re-authenticate (401), or give up with a clear reason (403 naming the missing permission,
 * 404, other 4xx: a `RingCentralRefusal`). Errors already classified pass through unchanged.
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
  const errorCodes = [body.errorCode, body.error, ...(body.errors ?? []).map((entry) => entry.errorCode)]
    .filter((code): code is string => typeof code === 'string')
    .filter((code, index, all) => all.indexOf(code) === index);
  const code = body.errors?.[0]?.errorCode ?? body.errorCode ?? body.error;
  const message = body.errors?.[0]?.message ?? body.message ?? body.error_description ?? response.statusText;
  const detail = `${context}: HTTP ${response.status}${code ? ` ${code}` : ''}: ${message}`;
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const cause = { cause: err };

  if (status === 429) {
    return new RetryableError(detail, ErrorCode.RateLimited, retryAfterMs ?? defaultRetryAfterMs, cause);
  }
  if (status >= 500 || status === 408) {
    return new RetryableError(detail, ErrorCode.Unavailable, retryAfterMs, cause);
  }
  if (status === 401) return new ReauthenticateError(detail, cause);

  const permission = body.permissionName ?? body.errors?.find((e) => e.permissionName)?.permissionName;
  const parameters = (body.errors ?? []).flatMap((e) => (e.parameterName ? [e.parameterName] : []));
  const refusal = (text: string, errorCode: ErrorCode) =>
    new RingCentralRefusal(text, errorCode, errorCodes, permission, parameters, cause);
  if (status === 403) {
    const hint = permission ? ` (the RingCentral app needs the "${permission}" permission)` : '';
    return refusal(detail + hint, ErrorCode.PermissionDenied);
  }
  if (status === 404) return refusal(detail, ErrorCode.NotFound);
  return refusal(detail, ErrorCode.BadRequest);
}

async function readBody(response: Response): Promise<RingCentralErrorBody> {
  try {
    const text = await response.clone().text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    return parsed && typeof parsed === 'object' ? (parsed as RingCentralErrorBody) : {};
  } catch {
    return {};
  }
}

/** The HTTP status of an SDK error as a metric label; '0' for network errors and timeouts. */
export function statusOf(err: unknown): string {
  const status = (err as { response?: Response } | undefined)?.response?.status;
  return status ? String(status) : '0';
}
