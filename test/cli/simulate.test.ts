import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/free-port.js';
import { countPrefixKeys } from '../../src/infra/prefix-keys.js';
import { eventually, redisUrl } from '../helpers/config.js';
import { emptyWorkingDir, entryArgs, startEntry, type EntryProcess } from '../helpers/entry-process.js';

let simulator: EntryProcess | undefined;
afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

const cli = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      entryArgs('src/cli/main.ts', args),
      {
        cwd: emptyWorkingDir(),
        env: { PATH: process.env.PATH, REDIS_URL: redisUrl, ...env },
        timeout: 20_000,
      },
      (err, stdout) => resolve({ code: err ? 1 : 0, stdout }),
    );
  });

describe('cli › simulate', () => {
  it('serves the real service against the simulator with steady calls until Ctrl-C, and says where to look', async () => {
    const port = await freePort();
    simulator = startEntry('src/cli/main.ts', {
      cwd: emptyWorkingDir(),
      env: { REDIS_URL: redisUrl },
      args: ['simulate', '--port', String(port), '--every', '0.5'],
    });
    const sim = simulator;
    // Three calls played to their end.
    const output = await eventually(async () => {
      const text = sim.stdout();
      return (text.match(/^\d\d:\d\d:\d\d {2}s-/gm) ?? []).length >= 3 ? text : undefined;
    }, 30_000);

    const base = `http://127.0.0.1:${port}`;
    expect(output).toContain(`dashboard   ${base}/admin/queues`);
    expect(output).toContain(`metrics     ${base}/metrics`);
    const password = /password ([0-9a-f]+)\)/.exec(output)?.[1];
    const queuePrefix = /QUEUE_PREFIX=(\S+) npx rc-enrich call <a call id below>/.exec(output)?.[1];
    const callId = /^\d\d:\d\d:\d\d {2}(s-[0-9a-f]+)/m.exec(output)?.[1];
    expect(password && queuePrefix && callId).toBeTruthy();

    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const dashboard = await fetch(`${base}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
    });
    expect(dashboard.status).toBe(200);
    const delivered = await eventually(async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      return /rc_enrich_crm_deliveries_total\{adapter="file",outcome="delivered"\} [1-9]/.test(metrics);
    }, 20_000);
    expect(delivered).toBe(true);

    // The `call` command it suggests tells that call's story.
    const story = await cli(['call', callId!], { QUEUE_PREFIX: queuePrefix! });
    expect(story.code).toBe(0);
    expect(story.stdout).toContain(`Call ${callId}`);

    expect(await sim.stop()).toBe(0);
    expect(sim.stdout()).toContain('stopping');
    const redis = new Redis(redisUrl);
    try {
      expect(await countPrefixKeys(redis, queuePrefix!)).toBe(0);
    } finally {
      await redis.quit();
    }
  });

  it('a busy port is one clear line and exit 1', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const sim = startEntry('src/cli/main.ts', {
        cwd: emptyWorkingDir(),
        env: { REDIS_URL: redisUrl },
        args: ['simulate', '--port', String(port)],
      });
      expect(await sim.exited).toBe(1);
      expect(sim.stderr()).toBe(
        `rc-enrich: Port ${port} is already in use (127.0.0.1:${port}): stop what runs there, or choose another port with --port.\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
