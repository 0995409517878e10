import { describe, expect, it } from 'vitest';
import { crmBackoff, retryAfterOf, retryDelayMs, ScheduledRetry } from '../../src/deliver/backoff.js';
import { ErrorCode, RetryableDeliveryError, RetryableError } from '../../src/errors.js';

const settings = { baseMs: 5_000, maxMs: 3_600_000, maxRetryAfterMs: 3_600_000 };
// random() = 0.5 is the middle of the jitter band: exactly the exponential figure.
const middle = () => 0.5;

describe('retryDelayMs › when the next delivery attempt goes', () => {
  it.each<[number, number]>([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [10, 2_560_000],
    [11, 3_600_000],
    [25, 3_600_000],
  ])('attempt %i failed: %i ms', (attempt, delay) => {
    expect(retryDelayMs(attempt, new Error('503'), settings, middle)).toBe(delay);
  });

  it.each<[string, () => number, number]>([
    ['lowest jitter is 80 %', () => 0, 8_000],
    ['highest jitter is just under 120 %', () => 0.999_999, 12_000],
  ])('%s', (_name, random, delay) => {
    expect(retryDelayMs(2, undefined, settings, random)).toBe(delay);
  });

  it.each<[string, unknown, number]>([
    ['a Retry-After longer than the backoff wins', new RetryableDeliveryError('429', 90_000), 90_000],
    [
      'a Retry-After shorter than the backoff does not shorten it',
      new RetryableDeliveryError('429', 1_000),
      10_000,
    ],
    [
      'a RetryableError without Retry-After: the backoff',
      new RetryableError('503', ErrorCode.Unavailable),
      10_000,
    ],
    [
      'a user adapter’s plain Error with retryAfterMs',
      Object.assign(new Error('429'), { retryAfterMs: 60_000 }),
      60_000,
    ],
    ['a negative retryAfterMs is ignored', Object.assign(new Error('429'), { retryAfterMs: -1 }), 10_000],
    [
      'a non-number retryAfterMs is ignored',
      Object.assign(new Error('429'), { retryAfterMs: '60000' }),
      10_000,
    ],
    ['something thrown that is not an Error', 'boom', 10_000],
  ])('%s', (_name, err, delay) => {
    expect(retryDelayMs(2, err, settings, middle)).toBe(delay);
  });

  it('reads no Retry-After from null', () => {
    expect(retryAfterOf(null)).toBeUndefined();
  });
});

describe('crmBackoff › BullMQ’s backoff strategy for the deliver queue', () => {
  const now = () => 1_000_000;
  const strategy = crmBackoff(settings, middle, now);

  it('carries out the time the processor decided', () => {
    expect(strategy(3, 'crm', new ScheduledRetry('503', 1_042_000))).toBe(42_000);
  });

  it('a decided time already past means now', () => {
    expect(strategy(3, 'crm', new ScheduledRetry('503', 999_000))).toBe(0);
  });

  it('any other failure of the job gets the same backoff', () => {
    expect(strategy(3, 'crm', new Error('Redis is gone'))).toBe(20_000);
  });
});
