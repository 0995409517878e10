import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, LoginError, RetryableError } from '../../src/errors.js';
import { createLogger } from '../../src/infra/logger.js';
import {
  afterProbe,
  createCredentialsCheck,
  type CredentialsCheck,
} from '../../src/ringcentral/credentials-check.js';
import { cleanupPrefix, eventually } from '../helpers/config.js';
import { startStack, type Stack } from '../helpers/stack.js';

const policy = { initialRetryMs: 1_000, maxRetryMs: 60_000 };
const refused = new LoginError('RingCentral login: HTTP 400 invalid_grant: bad JWT');
const down = new RetryableError('RingCentral login: network error', ErrorCode.Network);

describe('readiness › RingCentral credentials › decision', () => {
  it.each([
    ['accepted', { ok: true as const }, 0, 'accepted', undefined],
    ['refused: retried slowly (only a fix helps)', { error: refused }, 0, 'refused', 60_000],
    ['no answer: first retry soon', { error: down }, 0, 'unavailable', 1_000],
    ['no answer: backs off', { error: down }, 3, 'unavailable', 8_000],
    ['no answer: capped', { error: down }, 20, 'unavailable', 60_000],
    [
      'rate limited: not before Retry-After',
      { error: new RetryableError('429', ErrorCode.RateLimited, 30_000) },
      0,
      'unavailable',
      30_000,
    ],
    ['anything unexpected counts as no answer', { error: new Error('boom') }, 1, 'unavailable', 2_000],
  ])('%s', (_name, outcome, failuresBefore, state, retryInMs) => {
    const next = afterProbe(outcome, failuresBefore, policy);
    expect(next.status.state).toBe(state);
    expect(next.retryInMs).toBe(retryInMs);
  });

  it('says why in words that hold no secret and no id', () => {
    const { status } = afterProbe({ error: refused }, 0, policy);
    expect(status).toMatchObject({ state: 'refused' });
    expect(JSON.stringify(status)).not.toMatch(/invalid_grant|bad JWT/);
    expect(JSON.stringify(status)).toContain('RINGCENTRAL_JWT');
  });
});

describe('readiness › RingCentral credentials › check', () => {
  let check: CredentialsCheck | undefined;
  afterEach(() => check?.stop());

  it('tries again after a failure and stops once accepted', async () => {
    let calls = 0;
    check = createCredentialsCheck({
      login: async () => {
        calls += 1;
        if (calls < 3) throw down;
      },
      logger: createLogger('silent'),
      policy: { initialRetryMs: 10, maxRetryMs: 50 },
    });
    expect(check.status()).toMatchObject({ state: 'checking' });
    check.start();
    await eventually(async () => check!.status().state === 'accepted');
    expect(calls).toBe(3);
  });
});

describe('readiness › /health/ready against the RingCentral simulator', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    if (stack) await cleanupPrefix(`${stack.env.QUEUE_PREFIX}-bad`);
    stack = undefined;
  });

  it('is 200 once RingCentral accepted our credentials, 503 with the reason while it refuses them', async () => {
    stack = await startStack();
    const good = stack.services[0]!;
    const ready = await good.app.inject({ url: '/health/ready' });
    const body = ready.json();
    expect(ready.statusCode, JSON.stringify(body)).toBe(200);
    expect(body.checks.ringcentral).toBe('credentials accepted');

    // Another deployment's prefix, so it cannot reuse the shared token the good one stored.
    const bad = await stack.startAnother({
      QUEUE_PREFIX: `${stack.env.QUEUE_PREFIX}-bad`,
      RINGCENTRAL_JWT: 'not-the-jwt',
      ROLE: 'worker',
    });
    const answer = await eventually(async () => {
      const response = await bad.app.inject({ url: '/health/ready' });
      return response.json().checks.ringcentral.startsWith('RingCentral refused') ? response : undefined;
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({
      status: 'unavailable',
      checks: { redis: 'ok', workers: 'running' },
    });
    expect(answer.body).not.toContain('not-the-jwt');
  });
});
