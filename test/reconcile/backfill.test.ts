import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCall } from '../../src/fake-ringcentral/index.js';
import { runBackfill, type BackfillProgress } from '../../src/reconcile/backfill.js';
import { reconcileParts } from '../../src/reconcile/feature.js';
import type { RunningService } from '../../src/runtime.js';
import { createLogger } from '../../src/infra/logger.js';
import { eventually } from '../helpers/config.js';
import { emptyWorkingDir, entryArgs } from '../helpers/entry-process.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const hour = 3_600_000;
let clockOffset = 0;

/** The back-fill engine on a running service, as `rc-enrich backfill` drives it. */
function backfill(
  service: RunningService,
  period: { from: number; to: number },
  options: { dryRun?: boolean; onProgress?: (p: BackfillProgress) => void } = {},
) {
  const { services, config } = service;
  const ringcentral = service.ringcentral!;
  return runBackfill(
    {
      client: ringcentral,
      recovery: reconcileParts({ config, logger: createLogger('silent'), services, ringcentral }).recovery,
      redis: services.workerRedis,
      keys: services.keys,
      pageSize: config.reconcile.pageSize,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 500))),
    },
    period,
    options,
  );
}

/** Calls whose notifications never arrived, spread over the last two hours of the simulator's clock. */
async function silentCallsOverTwoHours(count: number): Promise<FakeCall[]> {
  const calls: FakeCall[] = [];
  for (let n = 0; n < count; n++) {
    clockOffset = -2 * hour + n * Math.floor((2 * hour - 10 * 60_000) / count);
    calls.push(await stack!.fake.calls.play({ deliverNotifications: false, talkMs: 20 }));
  }
  clockOffset = 0;
  return calls;
}

const sentOnce = (calls: FakeCall[]) => {
  const delivered = deliveredCalls(stack!.crm);
  return calls.every((call) => delivered.has(call.telephonySessionId));
};

describe('backfill', () => {
  it('over two hours and several pages: skips what was delivered, queues the rest, and resumes after an interruption', async () => {
    stack = await startStack({
      fake: { now: () => Date.now() + clockOffset },
      env: { RECONCILE_PAGE_SIZE: '4', RECONCILE_GRACE_MS: '0' },
    });
    const service = stack.services[0]!;
    const old = await silentCallsOverTwoHours(10);
    const notified = await stack.fake.calls.play({ talkMs: 20 });
    await eventually(async () => sentOnce([notified]));
    await eventually(async () => notified.callLogVisibleAt! <= Date.now() || undefined);
    const period = { from: Date.now() - 2 * hour - 60_000, to: Date.now() + 1_000 };

    const dry = await backfill(service, period, { dryRun: true });
    expect(dry).toMatchObject({ pages: 3, found: 11, delivered: 1, queued: 10 });
    expect(await service.services.queues.deliver.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });

    // Interrupted after its second page (Ctrl-C, a crash): the first two pages are queued.
    await expect(
      backfill(service, period, {
        onProgress: (p) => {
          if (p.pages === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    await eventually(async () => stack!.crm.records.size === 1 + 8 - 1 || undefined); // pages 1–2 hold 8 calls, one notified

    // It resumes at the page it was reading (the second): those calls are found queued or delivered.
    const resumed = await backfill(service, period);
    expect(resumed).toMatchObject({ resumedFromPage: 2, pages: 3, found: 11 });
    expect(resumed.delivered + resumed.queued + resumed.left).toBe(11);
    await eventually(async () => sentOnce(old));

    // A second run finds everything delivered, and nothing is sent twice.
    const again = await backfill(service, period);
    expect(again).toMatchObject({ found: 11, delivered: 11, queued: 0 });
    expect(stack.crm.requests).toHaveLength(11);
    for (const call of old)
      expect(deliveredCalls(stack.crm).get(call.telephonySessionId)).toMatchObject({
        source: 'call-log',
        recoveredBy: 'backfill',
      });
    expect(stack.fake.stats().rateLimited).toBe(0);
  });

  it('the command: --json summary and exit 0; a bad --since exits 1 with a clear message', async () => {
    stack = await startStack({ env: { RECONCILE_GRACE_MS: '0' } });
    const silent = await stack.fake.calls.play({ deliverNotifications: false, talkMs: 20 });
    await eventually(async () => silent.callLogVisibleAt! <= Date.now() || undefined);
    const since = new Date(Date.now() - 10 * 60_000).toISOString();

    const ok = await cli(['backfill', '--since', since, '--json'], stack.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ since, dryRun: false, found: 1, queued: 1, delivered: 0 });
    await eventually(async () => sentOnce([silent]));

    const bad = await cli(['backfill', '--since', 'yesterday'], stack.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since must be an ISO time');
  });
});

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      entryArgs('src/cli/main.ts', args),
      { cwd: emptyWorkingDir(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
