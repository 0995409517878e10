import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/infra/free-port.js';
import { cleanupPrefix, eventually, redisUrl } from './helpers/config.js';
import { emptyWorkingDir, startEntry } from './helpers/entry-process.js';

/** `npm start` (src/main.ts) as an api process on `port`, with these settings on top. */
function startApiOn(port: number, queuePrefix: string, env: Record<string, string> = {}) {
  return startEntry('src/main.ts', {
    cwd: emptyWorkingDir(),
    env: {
      ROLE: 'api',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      WEBHOOK_VERIFICATION_TOKEN: 'test-verification-token',
      ...env,
    },
  });
}

/** `npm start` as an api process on a free port, once it says it is running. */
async function startApi(env: Record<string, string>) {
  const port = await freePort();
  const queuePrefix = `test-main-${port}`;
  const service = startApiOn(port, queuePrefix, env);
  await eventually(
    async () => (service.stderr() + service.stdout()).includes('rc-enrich is running'),
    15_000,
    100,
  );
  return {
    service,
    port,
    async stop() {
      await service.stop();
      await cleanupPrefix(queuePrefix);
    },
  };
}

describe('npm start › where logs go', () => {
  it('with the stdout adapter: logs on stderr, stdout kept for the call records', async () => {
    const { service, stop } = await startApi({ CRM_ADAPTER: 'stdout' });
    await stop();
    expect(service.stderr()).toContain('"msg":"rc-enrich is running"');
    expect(service.stdout()).toBe('');
  });

  it('with any other adapter: logs on stdout, as usual for a service', async () => {
    const { service, stop } = await startApi({ CRM_ADAPTER: 'file' });
    await stop();
    expect(service.stdout()).toContain('"msg":"rc-enrich is running"');
  });
});

describe('npm start › a port already in use', () => {
  it('says so in one line naming PORT, and exits 1', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const queuePrefix = `test-main-busy-${port}`;
    try {
      const service = startApiOn(port, queuePrefix, { LOG_LEVEL: 'silent' });
      expect(await service.exited).toBe(1);
      expect(service.stderr()).toBe(
        `rc-enrich: Port ${port} is already in use (127.0.0.1:${port}): stop what runs there, or choose another port with PORT.\n`,
      );
    } finally {
      blocker.close();
      await cleanupPrefix(queuePrefix);
    }
  });
});

describe('npm start › ADMIN_PORT', () => {
  it('listens on both ports: /metrics on ADMIN_PORT, not on PORT', async () => {
    const adminPort = await freePort();
    const { port, stop } = await startApi({ CRM_ADAPTER: 'file', ADMIN_PORT: String(adminPort) });
    try {
      const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('rc_enrich_webhook_requests_total');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    } finally {
      await stop();
    }
  });
});
