import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import redisAnswers, { ping } from './global-setup.js';
import { redisUrl } from './helpers/config.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('test suite › Redis check before any test', () => {
  it('passes when Redis answers', async () => {
    expect(await ping(redisUrl, 2_000)).toBeUndefined();
  });

  it('stops at once with one message naming the address and what to do when none answers', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const before = Date.now();
    const previous = process.env.REDIS_URL;
    process.env.REDIS_URL = url;
    try {
      await expect(redisAnswers()).rejects.toThrow(
        new RegExp(`The tests need Redis at ${url} \\(ECONNREFUSED\\)\\.\\nStart one`),
      );
    } finally {
      if (previous === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = previous;
    }
    expect(Date.now() - before).toBeLessThan(1_000);
  });
});
