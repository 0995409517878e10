import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExclusive } from '../../src/infra/redis-lock.js';
import { redisUrl } from '../helpers/config.js';

let connections: Redis[] = [];
let key: string;
beforeAll(() => {
  connections = Array.from({ length: 4 }, () => new Redis(redisUrl));
});
afterEach(async () => {
  await connections[0]!.del(key);
});
afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
});

/** Work that takes a moment and reports how many ran at the same time. */
function tracked() {
  const seen = { runs: 0, running: 0, mostAtOnce: 0 };
  const work = async () => {
    seen.runs++;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, ++seen.running);
    await new Promise((resolve) => setTimeout(resolve, 40));
    seen.running--;
    return 'ran';
  };
  return { seen, work };
}

const never = () => {
  throw new Error('timed out');
};

describe('runExclusive', () => {
  it("four processes at once, the holder's work serves everyone › it runs once, the rest reuse it", async () => {
    key = `test-lock-${randomUUID()}`;
    const { seen, work } = tracked();
    const options = {
      ttlMs: 5_000,
      waitMs: 5_000,
      reuse: async () => ({ value: 'reused' }),
      onTimeout: never,
    };

    const results = await Promise.all(connections.map((redis) => runExclusive(redis, key, options, work)));

    expect(results.sort()).toEqual(['ran', 'reused', 'reused', 'reused']);
    expect(seen.runs).toBe(1);
  });

  it('four processes at once, nothing to reuse › each runs in turn, never two at a time', async () => {
    key = `test-lock-${randomUUID()}`;
    const { seen, work } = tracked();
    const options = { ttlMs: 5_000, waitMs: 5_000, pollMs: 5, onTimeout: never };

    const results = await Promise.all(connections.map((redis) => runExclusive(redis, key, options, work)));

    expect(results).toEqual(['ran', 'ran', 'ran', 'ran']);
    expect(seen).toMatchObject({ runs: 4, mostAtOnce: 1 });
  });

  it('a holder that never lets go within waitMs › onTimeout decides, the work never runs', async () => {
    key = `test-lock-${randomUUID()}`;
    const redis = connections[0]!;
    await redis.set(key, 'someone else', 'PX', 10_000);
    const { seen, work } = tracked();

    const result = await runExclusive(
      redis,
      key,
      { ttlMs: 5_000, waitMs: 150, onTimeout: () => 'gave up' },
      work,
    );

    expect(result).toBe('gave up');
    expect(seen.runs).toBe(0);
    expect(await redis.get(key)).toBe('someone else');
  });

  it('the work throws › the error reaches the caller and the lock is free at once', async () => {
    key = `test-lock-${randomUUID()}`;
    const redis = connections[0]!;
    const failing = async () => {
      throw new Error('RingCentral said no');
    };

    await expect(
      runExclusive(redis, key, { ttlMs: 5_000, waitMs: 1_000, onTimeout: never }, failing),
    ).rejects.toThrow('RingCentral said no');
    expect(await redis.exists(key)).toBe(0);
  });
});
