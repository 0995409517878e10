import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await stack?.close();
  stack = undefined;
});

/** The worker role as its own OS process, started the way `npm start` starts it. */
function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, ROLE: 'worker', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

describe('worker crash › a worker killed mid-job loses nothing', () => {
  it('SIGKILL during a CRM delivery: another worker delivers every call exactly once', async () => {
    const fastRecovery = { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' };
    stack = await startStack({ env: { ROLE: 'api', ...fastRecovery } });
    const held = stack.crm.hang(/POST/);
    child = startWorkerProcess(stack.env);
    const calls = await Promise.all(
      Array.from({ length: 3 }, (_, n) => stack!.fake.calls.play({ talkMs: 50 + n * 100 })),
    );
    // The first delivery reached the CRM and hangs there: the worker is mid-job.
    await eventually(async () => stack!.crm.requests.length >= 1 || undefined, 20_000);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    held.release();

    const sentBeforeKill = stack.crm.requests.length;

    const survivor = await stack.startAnother({ ROLE: 'worker' });
    // Every call's delivery job must be completed by the surviving worker, not just have reached the CRM.
    await eventually(async () => {
      const counts = await survivor.services.queues.deliver.getJobCounts('completed');
      return counts.completed === calls.length || undefined;
    }, 20_000);
    expect(stack.crm.requests.length).toBeGreaterThan(sentBeforeKill);
    const delivered = deliveredCalls(stack.crm);
    expect(calls.every((call) => delivered.has(call.telephonySessionId))).toBe(true);
    // The interrupted delivery was sent again with the same webhook-id, so the CRM kept one record.
    const ids = stack.crm.requests.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(calls.length);
  }, 60_000);
});
