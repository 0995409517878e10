import { describe, expect, it } from 'vitest';
import { ErrorCode, PermanentError, ReauthenticateError, RetryableError } from '../../src/errors.js';
import { RingCentralRefusal, classifyRingCentralError, statusOf } from '../../src/ringcentral/classify.js';

/** What the SDK throws for a non-2xx answer: an Error carrying the Response. */
function sdkError(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const response = new Response(text, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return Object.assign(new Error('Response has unsuccessful status'), { response });
}

/** RingCentral's missing-permission body (https://developers.ringcentral.com/guide/voice/call-log/access), for either code. */
function missingPermission(code: 'CMN-401' | 'CMN-408', permission: string) {
  const message = `In order to call this API endpoint, application needs to have [${permission}] permission`;
  return {
    errorCode: 'InsufficientPermissions',
    message,
    errors: [{ errorCode: code, message, permissionName: permission }],
    permissionName: permission,
  };
}

const rateLimited = {
  errorCode: 'CMN-301',
  message: 'Request rate exceeded',
  errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
};
const DEFAULT_RETRY_MS = 60_000;

describe('classifyRingCentralError', () => {
  it.each([
    {
      answer: '429 with Retry-After: 7',
      err: sdkError(429, rateLimited, { 'retry-after': '7' }),
      type: RetryableError,
      code: ErrorCode.RateLimited,
      retryAfterMs: 7_000,
    },
    {
      answer: '429 without Retry-After',
      err: sdkError(429, rateLimited),
      type: RetryableError,
      code: ErrorCode.RateLimited,
      retryAfterMs: DEFAULT_RETRY_MS,
    },
    {
      answer: '503 with Retry-After: 2',
      err: sdkError(
        503,
        { errorCode: 'CMN-211', message: 'Service Temporary Unavailable' },
        { 'retry-after': '2' },
      ),
      type: RetryableError,
      code: ErrorCode.Unavailable,
      retryAfterMs: 2_000,
    },
    {
      answer: '500 with a body that is not JSON',
      err: sdkError(500, '<html>oops</html>'),
      type: RetryableError,
      code: ErrorCode.Unavailable,
      retryAfterMs: undefined,
    },
    {
      answer: '408',
      err: sdkError(408),
      type: RetryableError,
      code: ErrorCode.Unavailable,
      retryAfterMs: undefined,
    },
    {
      answer: 'a network error (no response)',
      err: new TypeError('fetch failed'),
      type: RetryableError,
      code: ErrorCode.Network,
      retryAfterMs: undefined,
    },
    {
      answer: '401 OAU-213',
      err: sdkError(401, {
        errorCode: 'TokenInvalid',
        message: 'Invalid token',
        errors: [{ errorCode: 'OAU-213', message: 'Token not found' }],
      }),
      type: ReauthenticateError,
      code: ErrorCode.Unauthorized,
      retryAfterMs: undefined,
    },
    {
      answer: '404 CMN-102',
      err: sdkError(404, {
        errorCode: 'CMN-102',
        message: 'Resource for parameter [subscriptionId] is not found',
      }),
      type: RingCentralRefusal,
      code: ErrorCode.NotFound,
      retryAfterMs: undefined,
    },
    {
      answer: '400 OAuth invalid_grant',
      err: sdkError(400, { error: 'invalid_grant', error_description: 'Invalid JWT' }),
      type: RingCentralRefusal,
      code: ErrorCode.BadRequest,
      retryAfterMs: undefined,
    },
  ])('$answer › $code after $retryAfterMs ms', async ({ err, type, code, retryAfterMs }) => {
    const classified = await classifyRingCentralError(err, 'RingCentral GET /x', DEFAULT_RETRY_MS);

    expect(classified).toBeInstanceOf(type);
    expect(classified).toMatchObject({ code });
    expect((classified as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
    expect(classified.message).toMatch(/^RingCentral GET \/x: /);
    expect(classified.cause).toBe(err);
  });

  it.each([
    { code: 'CMN-401', permission: 'ReadCallLog' },
    { code: 'CMN-408', permission: 'ReadCallRecording' },
  ] as const)('403 $code › gives up, naming the $permission permission', async ({ code, permission }) => {
    const classified = await classifyRingCentralError(
      sdkError(403, missingPermission(code, permission)),
      'RingCentral GET /x',
      DEFAULT_RETRY_MS,
    );

    expect(classified).toBeInstanceOf(RingCentralRefusal);
    expect(classified).toMatchObject({
      code: ErrorCode.PermissionDenied,
      permission,
      errorCodes: ['InsufficientPermissions', code],
    });
    expect(classified.message).toContain(`HTTP 403 ${code}: In order to call this API endpoint`);
    expect(classified.message).toContain(`(the RingCentral app needs the "${permission}" permission)`);
  });

  it('403 SUB-505 › a refusal with its code and no permission hint', async () => {
    const body = {
      errorCode: 'SUB-505',
      message: 'Subscription limit exceeded',
      errors: [{ errorCode: 'SUB-505', message: 'Subscription limit exceeded' }],
    };
    const classified = await classifyRingCentralError(sdkError(403, body), 'ctx', DEFAULT_RETRY_MS);

    expect(classified).toMatchObject({ errorCodes: ['SUB-505'], permission: undefined });
    expect(classified.message).toBe('ctx: HTTP 403 SUB-505: Subscription limit exceeded');
  });

  it('400 naming a parameter › the refusal lists it', async () => {
    const body = {
      errorCode: 'SUB-522',
      message: 'WebHook responds with incorrect HTTP status',
      errors: [
        {
          errorCode: 'SUB-522',
          message: 'WebHook responds with incorrect HTTP status',
          parameterName: 'deliveryMode.address',
        },
      ],
    };
    const classified = await classifyRingCentralError(sdkError(400, body), 'ctx', DEFAULT_RETRY_MS);

    expect(classified).toMatchObject({ code: ErrorCode.BadRequest, parameters: ['deliveryMode.address'] });
  });

  it('an error already classified › passed through as it is', async () => {
    const already = new PermanentError('no', ErrorCode.UntrustedHost);
    expect(await classifyRingCentralError(already, 'ctx', DEFAULT_RETRY_MS)).toBe(already);
  });

  it.each([
    { err: sdkError(503), label: '503' },
    { err: new TypeError('fetch failed'), label: '0' },
  ])('statusOf › $label', ({ err, label }) => {
    expect(statusOf(err)).toBe(label);
  });
});
