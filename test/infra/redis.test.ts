import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/free-port.js';
import { RedisUnavailableError, createRedis, waitForRedis } from '../../src/infra/redis.js';

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** How long waitForRedis took to give up on `url`, and why. */
async function giveUp(url: string, timeoutMs: number) {
  const started = Date.now();
  const client = createRedis(url, 'worker');
  client.on('error', () => undefined);
  try {
    const error = await waitForRedis(client, url, timeoutMs).then(
      () => undefined,
      (err: unknown) => err,
    );
    return { error, ms: Date.now() - started };
  } finally {
    client.disconnect();
  }
}

describe('redis › unreachable at start', () => {
  it('says so at once when the connection is refused, not after the timeout', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { error, ms } = await giveUp(url, 5_000);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connection refused\)\./,
    );
    expect(ms).toBeLessThan(1_000);
  });

  it('waits out the timeout for a host that accepts and never answers', async () => {
    server = createServer((socket) => void sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const { error, ms } = await giveUp(`redis://127.0.0.1:${port}`, 300);
    expect((error as Error).message).toContain('(no answer in 0.3 s)');
    expect(ms).toBeGreaterThanOrEqual(300);
  });
});
