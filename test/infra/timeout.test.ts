import { describe, expect, it } from 'vitest';
import { TimeoutError, settlesWithin, withTimeout } from '../../src/infra/timeout.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('timeout › withTimeout and settlesWithin', () => {
  it('passes a prompt result through and fails a slow one with the given error', async () => {
    expect(await withTimeout(after(5, 'ok'), 200)).toBe('ok');
    await expect(withTimeout(after(200, 'late'), 20)).rejects.toBeInstanceOf(TimeoutError);
    await expect(withTimeout(after(200, 'late'), 20, () => new RangeError('custom'))).rejects.toThrow(
      'custom',
    );
  });

  it('settlesWithin says false on a timeout but passes the promise’s own failure on', async () => {
    expect(await settlesWithin(after(5, 1), 200)).toBe(true);
    expect(await settlesWithin(after(200, 1), 20)).toBe(false);
    await expect(settlesWithin(Promise.reject(new Error('boom')), 200)).rejects.toThrow('boom');
  });
});
