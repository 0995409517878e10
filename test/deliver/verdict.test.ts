import { describe, expect, it } from 'vitest';
import { deliveryVerdict, type AttemptResult, type DeliveryVerdict } from '../../src/deliver/verdict.js';
import {
  ErrorCode,
  PermanentDeliveryError,
  PermanentError,
  RetryableDeliveryError,
} from '../../src/errors.js';

const limits = { attempts: 25, backoff: { baseMs: 5_000, maxMs: 3_600_000, maxRetryAfterMs: 3_600_000 } };
const now = 1_000_000;
const middle = () => 0.5;
const failed = (error: unknown): AttemptResult => ({ ok: false, error });

describe('deliveryVerdict › what one attempt at a CRM leads to', () => {
  const down = new Error('HTTP 503 from the CRM');
  const busy = new RetryableDeliveryError('HTTP 429', 120_000);
  const parked = new RetryableDeliveryError('HTTP 429', 41 * 24 * 3_600_000);
  const rejected = new PermanentDeliveryError('HTTP 422: no such owner');
  const markedPermanent = Object.assign(new Error('bad record'), { permanent: true });
  const permission = new PermanentError('HTTP 403', ErrorCode.PermissionDenied);

  it.each<[string, AttemptResult, number, DeliveryVerdict]>([
    ['the CRM has it: done', { ok: true }, 1, { outcome: 'delivered' }],
    ['done on the last attempt too', { ok: true }, 25, { outcome: 'delivered' }],
    [
      'first failure: retry after the base backoff',
      failed(down),
      1,
      { outcome: 'retry', at: now + 5_000, error: down.message, cause: down },
    ],
    [
      'fourth failure: the backoff has doubled three times',
      failed(down),
      4,
      { outcome: 'retry', at: now + 40_000, error: down.message, cause: down },
    ],
    [
      'a CRM Retry-After longer than the backoff: retry then',
      failed(busy),
      1,
      { outcome: 'retry', at: now + 120_000, error: 'HTTP 429', cause: busy },
    ],
    [
      // One 429 parked a delivery for 41 days: the wait is capped, and the verdict says what was asked.
      'a CRM Retry-After of 41 days: retry at DELIVERY_MAX_RETRY_AFTER_MS, saying what was asked',
      failed(parked),
      1,
      {
        outcome: 'retry',
        at: now + 3_600_000,
        error: 'HTTP 429',
        cause: parked,
        retryAfterAskedMs: 41 * 24 * 3_600_000,
      },
    ],
    [
      'the last attempt failed: dead letter',
      failed(down),
      25,
      { outcome: 'dead-letter', error: down.message, permanent: false, cause: down },
    ],
    [
      'the adapter says retrying cannot help: dead letter at once',
      failed(rejected),
      1,
      { outcome: 'dead-letter', error: rejected.message, permanent: true, cause: rejected },
    ],
    [
      'any PermanentError is permanent',
      failed(permission),
      3,
      { outcome: 'dead-letter', error: 'HTTP 403', permanent: true, cause: permission },
    ],
    [
      'a user adapter may mark a plain Error permanent',
      failed(markedPermanent),
      1,
      { outcome: 'dead-letter', error: 'bad record', permanent: true, cause: markedPermanent },
    ],
    [
      'something thrown that is not an Error is retried with its text',
      failed('socket hang up'),
      2,
      { outcome: 'retry', at: now + 10_000, error: 'socket hang up', cause: 'socket hang up' },
    ],
    [
      'undefined thrown is retried too',
      failed(undefined),
      1,
      { outcome: 'retry', at: now + 5_000, error: 'undefined', cause: undefined },
    ],
  ])('%s', (_name, result, attempt, verdict) => {
    expect(deliveryVerdict(result, attempt, limits, now, middle)).toEqual(verdict);
  });

  it('with one attempt in all, the first failure is a dead letter', () => {
    expect(deliveryVerdict(failed(down), 1, { ...limits, attempts: 1 }, now, middle)).toMatchObject({
      outcome: 'dead-letter',
      permanent: false,
    });
  });
});
