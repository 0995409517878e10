import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, createDeadline, settlesWithin, withTimeout } from '../../src/infra/timeout.js';

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

describe('timeout › createDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const late = () => new Error('no answer within 100 ms');

  it('nothing else aborts › fires at the deadline with its reason, and says it expired', () => {
    vi.useFakeTimers();
    const deadline = createDeadline(100, late, undefined);

    vi.advanceTimersByTime(99);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('no answer within 100 ms');
    expect(deadline.expired()).toBe(true);
  });

  it("a parent aborts first › aborted with the parent's reason, not expired", () => {
    vi.useFakeTimers();
    const shutdown = new AbortController();
    const deadline = createDeadline(100, late, shutdown.signal);

    shutdown.abort(new Error('shutting down'));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('shutting down');
    expect(deadline.expired()).toBe(false);
  });

  it('cleared before the deadline › never fires', () => {
    vi.useFakeTimers();
    const deadline = createDeadline(100, late);

    deadline.clear();
    vi.advanceTimersByTime(1_000);
    expect(deadline.signal.aborted).toBe(false);
  });
});
