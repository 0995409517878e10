import { parseRetryAfter, RetryableDeliveryError } from '../errors.js';
import { createDeadline } from '../infra/timeout.js';

/**
 * The HTTP plumbing every HTTP adapter shares: the injectable transport, a per-request timeout joined
 * with the delivery's own signal, and transport failures turned into "retry later". Status codes are
 * classified by each adapter, because each CRM means different things by them.
 */
export interface HttpTransport {
  fetch: typeof fetch;
  timeoutMs: number;
}

export function httpTransport(options: { fetch?: typeof fetch }, timeoutMs: number): HttpTransport {
  return { fetch: options.fetch ?? fetch, timeoutMs };
}

/** A response with its body already read (at most `limit` characters), under the same deadline. */
export interface HttpResult {
  response: Response;
  text: string;
}

/**
 * Send one request and read its body, both within `http.timeoutMs` (`createDeadline`) and `signal`.
 *
 * Redirects are not followed: a POST silently turned into a GET by a 302 would look like success, so a
 * 3xx comes back to the caller as a failure (Standard Webhooks says the same).
 */
export async function send(
  http: HttpTransport,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  label: string,
  limit = 1_000_000,
): Promise<HttpResult> {
  if (signal.aborted) {
    throw new RetryableDeliveryError(`${label}: the delivery was aborted before the request`, undefined, {
      cause: signal.reason,
    });
  }
  const deadline = createDeadline(
    http.timeoutMs,
    () => new DOMException(`no answer within ${http.timeoutMs} ms`, 'TimeoutError'),
    signal,
  );
  try {
    const response = await http.fetch(url, { ...init, redirect: 'manual', signal: deadline.signal });
    const text = await response.text();
    return { response, text: text.length > limit ? text.slice(0, limit) : text };
  } catch (err) {
    if (signal.aborted) {
      throw new RetryableDeliveryError(
        `${label}: the delivery was aborted (timed out or shutting down)`,
        undefined,
        {
          cause: err,
        },
      );
    }
    if (deadline.expired()) {
      throw new RetryableDeliveryError(`${label}: no answer within ${http.timeoutMs} ms`, undefined, {
        cause: err,
      });
    }
    throw new RetryableDeliveryError(`${label}: network error (${networkReason(err)})`, undefined, {
      cause: err,
    });
  } finally {
    deadline.clear();
  }
}

/** One JSON call to a CRM's REST API, as the CRM clients describe it. */
export interface JsonRequest {
  method: string;
  /** Below the client's base URL. */
  path: string;
  body?: unknown;
  /** What the request does, for messages ("call create"). */
  label: string;
  /** Extra request headers (e.g. a conditional `If-Unmodified-Since`). */
  headers?: Record<string, string>;
}

/**
 * Send a JSON request with a bearer token (`send`'s deadline and error handling), and parse the body
 * of a 2xx answer. The caller classifies every other status: each CRM means different things by them.
 */
export async function sendJson<T>(
  http: HttpTransport,
  request: Omit<JsonRequest, 'path'> & { url: string; token: string },
  signal: AbortSignal,
): Promise<HttpResult & { data: T | undefined }> {
  const headers: Record<string, string> = {
    ...request.headers,
    authorization: `Bearer ${request.token}`,
    accept: 'application/json',
  };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const { response, text } = await send(
    http,
    request.url,
    { method: request.method, headers, body },
    signal,
    request.label,
  );
  const data = response.ok && text ? (JSON.parse(text) as T) : undefined;
  return { response, text, data };
}

/** One line, short enough for an error message. */
export function quote(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function retryAfterOf(response: Response): number | undefined {
  return parseRetryAfter(response.headers.get('retry-after'));
}

/**
 * Errors made from a definite refusal (a 4xx other than 408): the CRM saw the request and wrote nothing.
 * Adapters use it to drop a "create pending" mark, which a timeout or a 5xx must keep.
 */
const refusals = new WeakSet<Error>();

export function markRefused<E extends Error>(error: E, status: number): E {
  if (status >= 400 && status < 500 && status !== 408) refusals.add(error);
  return error;
}

export function wasRefused(err: unknown): boolean {
  return err instanceof Error && refusals.has(err);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
