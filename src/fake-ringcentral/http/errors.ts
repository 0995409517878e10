/**
 * RingCentral's error bodies: `{errorCode, message, errors: [{errorCode, message, ...}]}`
 * (https://developers.ringcentral.com/guide/basics/errors).
 * Handlers throw `RcError`; the pipeline turns it into the response.
 */
export class RcError extends Error {
  override name = 'RcError';
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? body.error_description ?? status));
  }
}

type Extra = Record<string, unknown>;

/** Top-level code may differ from the detail code (e.g. `InsufficientPermissions` / `CMN-401`). */
export function rcError(status: number, code: string, message: string, detail: Extra = {}, topCode = code) {
  return new RcError(status, {
    errorCode: topCode,
    message,
    errors: [{ errorCode: code, message, ...detail }],
  });
}

export const invalidParameter = (name: string, value?: unknown) =>
  rcError(400, 'CMN-101', `Parameter [${name}] value is invalid`, {
    parameterName: name,
    ...(value === undefined ? {} : { parameterValue: String(value) }),
  });

export const notFound = (name: string, value?: string) =>
  rcError(404, 'CMN-102', `Resource for parameter [${name}] is not found`, {
    parameterName: name,
    ...(value === undefined ? {} : { parameterValue: value }),
  });

export const invalidUri = () => rcError(404, 'CMN-120', 'Invalid URI');

export const unparsableJson = () => rcError(400, 'CMN-103', "JSON can't be parsed");

export const unavailable = () => rcError(503, 'CMN-201', 'Service Temporary Unavailable');

export const internalError = () => rcError(500, 'CMN-203', 'Internal Server Error');

export function insufficientPermissions(permission: string) {
  const message = `In order to call this API endpoint, application needs to have [${permission}] permission`;
  const error = rcError(403, 'CMN-401', message, { permissionName: permission }, 'InsufficientPermissions');
  error.body.permissionName = permission;
  return error;
}

/** 401 on `/restapi/v1.0/**`: unknown, revoked or missing token (OAU-213), or expired (OAU-128). */
function tokenInvalid(code: string, detail: string) {
  return new RcError(401, {
    errorCode: 'TokenInvalid',
    message: 'Invalid token',
    errors: [{ errorCode: code, message: detail }],
  });
}
export const tokenNotFound = () => tokenInvalid('OAU-213', 'Token not found');
export const tokenExpired = () => tokenInvalid('OAU-128', 'Access token expired');

export function rateExceeded(retryAfterSec: number) {
  const error = rcError(429, 'CMN-301', 'Request rate exceeded');
  Object.assign(error.headers, { 'Retry-After': String(retryAfterSec) });
  return error;
}

/** The default body for a status injected by `faults.failNext` without a body. */
export function defaultFaultBody(status: number): Record<string, unknown> {
  if (status === 429) return rateExceeded(60).body;
  if (status === 401) return tokenNotFound().body;
  if (status === 404) return invalidUri().body;
  if (status >= 500) return (status === 503 ? unavailable() : internalError()).body;
  return rcError(status, 'CMN-101', 'Parameter [request] value is invalid').body;
}

/** OAuth endpoint errors use the OAuth shape: `{error, error_description, errors: [...]}`. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  code: string,
  extra: Extra = {},
) {
  return new RcError(status, {
    error,
    errors: [{ errorCode: code, message: description, ...extra }],
    error_description: description,
  });
}
