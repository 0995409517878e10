import { execFile } from 'node:child_process';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCall } from '../../src/cli/commands/call.js';
import { registerDlq } from '../../src/cli/commands/dlq.js';
import { registerQueues } from '../../src/cli/commands/queues.js';
import { createLogger } from '../../src/infra/logger.js';
import { monitoringFeature } from '../../src/monitoring/feature.js';
import { deliverJobId, enrichJobId } from '../../src/queues.js';
import { startPlayground, type Playground } from '../../src/demo/playground.js';
import type { RunningService } from '../../src/runtime.js';
import { cleanupPrefix, eventually, redisUrl, testEnv } from '../helpers/config.js';
import { emptyWorkingDir, entryArgs } from '../helpers/entry-process.js';
import { newTelephonySessionId } from '../helpers/notifications.js';
import { enrichedCall, startReceiver, webhookEnv, type Receiver } from '../monitoring/helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let receiver: Receiver;
let playground: Playground;
let service: RunningService;
let env: Record<string, string>;
const tsid = newTelephonySessionId();
const deadId = deliverJobId('webhook', tsid);
// The CLI reads `.env` from its working directory: run it where there is none, whatever the checkout holds.
const workingDir = emptyWorkingDir();

/** The real CLI in a child process, as an operator runs it (`npx tsx src/cli/main.ts …`). Slow (~3 s). */
function child(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      entryArgs('src/cli/main.ts', args),
      {
        cwd: workingDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...extraEnv },
        timeout: 20_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The same command modules in this process (fast): environment from `env`, output captured, the exit
 * code read from process.exitCode as `action()` sets it.
 */
async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  for (const [key, value] of Object.entries({ ...env, ...extraEnv })) vi.stubEnv(key, value);
  vi.stubEnv('LOG_LEVEL', undefined);
  vi.spyOn(process, 'cwd').mockReturnValue(workingDir);
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(`${parts.join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation(
    (...parts: unknown[]) => void err.push(`${parts.join(' ')}\n`),
  );
  const program = new Command().name('rc-enrich').exitOverride();
  for (const register of [registerQueues, registerDlq, registerCall]) register(program);
  try {
    await program.parseAsync(['node', 'rc-enrich', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

// Known jobs on a real Redis: a deliver job the real worker dead-letters (the CRM answers 500), and a
// delayed enrich job nobody touches for a minute.
beforeAll(async () => {
  receiver = await startReceiver(500);
  const crm = webhookEnv(receiver.url);
  playground = await startPlayground({
    overrides: testEnv({ ROLE: 'worker', ...crm }),
    logger: createLogger('silent'),
    features: [monitoringFeature],
    start: 'started',
  });
  service = playground.service;
  env = { REDIS_URL: redisUrl, QUEUE_PREFIX: playground.config.queuePrefix, ...crm };
  const { queues } = service.services;
  await queues.deliver.add(
    'deliver',
    { adapter: 'webhook', idempotencyKey: `809646016-${tsid}`, call: enrichedCall(tsid) },
    { jobId: deadId, attempts: 1 },
  );
  const later = newTelephonySessionId();
  await queues.enrich.add(
    'enrich',
    { telephonySessionId: later, accountId: '809646016' },
    { jobId: enrichJobId(later), delay: 60_000 },
  );
  await eventually(async () => (await queues.deliver.getJobState(deadId)) === 'failed');
});

afterAll(async () => {
  await playground?.close();
  await receiver?.close();
});

describe('cli › in a child process', () => {
  it('queues --json prints counts per queue and state and exits 0; an unknown dead letter exits 1', async () => {
    const [json, unknown] = await Promise.all([
      child(['queues', '--json']),
      child(['dlq', 'replay', 'deliver-webhook-nope']),
    ]);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(json.stdout) as Record<
      string,
      { paused: boolean; counts: Record<string, number> }
    >;
    expect(Object.keys(report)).toEqual(['enrich', 'deliver', 'maintenance', 'budgets']);
    expect(report.deliver).toEqual({
      paused: false,
      counts: {
        waiting: 0,
        active: 0,
        delayed: 0,
        prioritized: 0,
        'waiting-children': 0,
        completed: 0,
        failed: 1,
      },
    });
    expect(report.enrich?.counts.delayed).toBe(1);
    const budgets = (report as unknown as { budgets: Record<string, Record<string, number>> }).budgets;
    expect(Object.keys(budgets)).toEqual(['Heavy', 'Medium', 'Light', 'Auth']);
    expect(budgets.Auth).toMatchObject({ limit: 5, reserved: 0, penaltyMs: 0 });

    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'rc-enrich: No dead letter "deliver-webhook-nope": it is neither a failed job id nor a call with failed jobs (see `rc-enrich dlq list`)\n',
    );
  });
});

describe('cli › queues', () => {
  it('prints one line per queue, then one per RingCentral rate group', async () => {
    const text = await cli(['queues']);
    expect(text.code).toBe(0);
    const [source, queues, budgets] = text.stdout.trim().split('\n\n');
    expect(source).toBe(`Redis ${redisUrl}, QUEUE_PREFIX ${env.QUEUE_PREFIX}`);
    const lines = queues!.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^deliver\s+waiting=0 active=0 delayed=0 prioritized=0 waiting-children=0 completed=0 failed=1$/,
    );
    const groups = budgets!.split('\n').slice(1);
    expect(groups.map((line) => line.split(/\s+/)[0])).toEqual(['Heavy', 'Medium', 'Light', 'Auth']);
    expect(groups[3]).toMatch(/^Auth\s+used=\d+\/5 per 61s remaining=\d+ reserved=0 penalty=0s$/);
  });
});

describe('cli › queues › a prefix nothing ran under', () => {
  it('says which Redis and prefix it read, and exits 1 instead of showing zeros', async () => {
    const run = await cli(['queues'], { QUEUE_PREFIX: 'rc-enrihc' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^rc-enrich: Nothing under QUEUE_PREFIX "rc-enrihc" on redis:\/\/.*: no rc-enrich worker has run with it/,
    );
    await cleanupPrefix('rc-enrihc');
  });
});

describe('cli › dlq and call', () => {
  it('lists the dead letter, replays it into a delivery, and tells the call story', async () => {
    const list = await cli(['dlq', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`deliver  ${deadId}  call=${tsid}  adapter=webhook  attempts=1/1`);
    expect(list.stdout).toContain('1 dead letter(s): enrich 0, deliver 1');

    receiver.answer(200);
    const replay = await cli(['dlq', 'replay', deadId]);
    expect(replay).toMatchObject({ code: 0, stderr: '' });
    expect(replay.stdout).toContain(`replayed deliver ${deadId} (call ${tsid})`);
    await eventually(async () => (await service.services.queues.deliver.getJobState(deadId)) === 'completed');
    expect(receiver.requests.map((request) => request.status)).toEqual([500, 200]);

    const story = await cli(['call', tsid]);
    expect(story.code).toBe(0);
    expect(story.stdout).toContain('Status: delivered to webhook');
    expect(story.stdout).toMatch(
      /delivery\s+webhook attempt 1: dead-letter - webhook: the receiver answered 500/,
    );
    expect(story.stdout).toMatch(/replay\s+dead letter replayed: deliver job /);
    expect(story.stdout).toMatch(/delivery\s+webhook attempt 1: delivered/);
    // The JSON keeps `journey`, the story's former name, next to `entries`.
    const json = JSON.parse((await cli(['call', tsid, '--json'])).stdout) as {
      entries: Array<{ step: string }>;
      journey: unknown;
    };
    expect(json.entries.map((entry) => entry.step)).toContain('replay');
    expect(json.journey).toEqual(json.entries);
    expect((await cli(['dlq', 'list', '--json'])).stdout).toContain('"deliver": 0');
  });

  it('fails with one clear line and exit 1 on unknown calls and bad usage', async () => {
    const unknownCall = await cli(['call', 's-never-seen']);
    expect(unknownCall.code).toBe(1);
    const said = `rc-enrich: Nothing known about call s-never-seen under QUEUE_PREFIX=${env.QUEUE_PREFIX}:`;
    expect(unknownCall.stderr.slice(0, said.length)).toBe(said);
    expect(await cli(['dlq', 'replay'])).toMatchObject({
      code: 1,
      stderr: 'rc-enrich: dlq replay needs either a job id or --all\n',
    });
    expect(await cli(['dlq', 'list', '--queue', 'maintenance'])).toMatchObject({
      code: 1,
      stderr: 'rc-enrich: --queue must be one of enrich, deliver\n',
    });
  });

  it('exits 1 with a message naming the setting when the configuration is bad', async () => {
    const run = await cli(['queues'], { REDIS_URL: 'http://nope' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('REDIS_URL must start with redis:// or rediss://');
  });
});

describe('cli › untrusted text', () => {
  it('call prints escape sequences from notifications and CRM errors as \\u escapes, never raw', async () => {
    const hostile = newTelephonySessionId();
    await service.services.story.add(hostile, {
      step: 'delivery',
      adapter: 'webhook',
      attempt: 1,
      outcome: 'retry',
      error: 'crm said \u001b]0;pwned\u0007\u001b[2J\u009b31m\nStatus: delivered to webhook\u202e',
    });
    for (const args of [
      ['call', hostile],
      ['call', hostile, '--json'],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      for (const raw of ['\u001b', '\u0007', '\u009b', '\u202e']) expect(run.stdout).not.toContain(raw);
      expect(run.stdout).toContain('\\u001b');
    }
    const text = await cli(['call', hostile]);
    // The newline inside the CRM's error cannot forge a line of its own.
    expect(text.stdout.split('\n').filter((line) => line.startsWith('Status: delivered'))).toEqual([]);
  });
});
