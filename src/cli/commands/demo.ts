import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { simulatorEnvironment } from '../../demo/environment.js';
import { demoCalls, demoTimings } from '../../demo/scenario.js';
import { startPlayground } from '../../demo/playground.js';
import { describeRecordLine, followLines } from '../../demo/records.js';
import { readEnvironment } from '../../environment.js';
import { createLogger } from '../../infra/logger.js';
import { CliError, action } from '../context.js';

/**
 * `rc-enrich demo`: the real service against the built-in RingCentral simulator. Plays a handful of
 * calls, shows each record as it reaches the CRM adapter (one line each; `--json`: the records
 * themselves, alone on stdout), then a summary and what to try next.
 */
export function registerDemo(program: Command) {
  program
    .command('demo')
    .description('try rc-enrich now: the service against a built-in RingCentral simulator (needs only Redis)')
    .option('--timeout <seconds>', 'give up waiting for deliveries after this long', '60')
    .option(
      '--json',
      'print only the delivered records on stdout, one JSON line each (the rest goes to stderr)',
    )
    .action(
      action(async (options: { timeout: string; json?: boolean }) => {
        const dir = mkdtempSync(join(tmpdir(), 'rc-enrich-demo-'));
        try {
          await runDemo(options, join(dir, 'calls.ndjson'));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}

async function runDemo(options: { timeout: string; json?: boolean }, recordsFile: string) {
  const { env, notes, recordsFile: shown } = simulatorEnvironment(readEnvironment(), recordsFile);
  // Validate the caller's settings (REDIS_URL, CRM_ADAPTER...) before starting anything.
  parseConfig(env);
  // People read stdout; with --json it carries the records alone, so the words go to stderr.
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const logger = createLogger(env.LOG_LEVEL, process.stderr);
  for (const note of notes) say(`note: ${note}`);
  const playground = await startPlayground({
    env,
    overrides: demoTimings.service,
    fake: { ...demoTimings.fake, seed: 42 },
    logger,
  });
  try {
    const { fake, service, config } = playground;
    say(`rc-enrich demo: the real service against a simulated RingCentral (${fake.url}).`);
    say(
      shown
        ? `Playing ${demoCalls.length} calls; each record is shown as it reaches the CRM (about 10 s).`
        : `Playing ${demoCalls.length} calls, delivered by CRM_ADAPTER=${config.crm.adapters.join(',')} (about 10 s).`,
    );
    say('');
    const newLines = shown ? followLines(shown) : async () => [];
    const show = async () => {
      for (const line of await newLines()) {
        if (options.json) process.stdout.write(`${line}\n`);
        else say(`  delivered  ${describeRecordLine(line)}`);
      }
    };
    const calls = await Promise.all(demoCalls.map(({ call }) => fake.calls.play(call)));
    const expected = calls.length * config.crm.adapters.length;
    const deadline = Date.now() + Number(options.timeout) * 1000;
    let counts = await service.services.queues.deliver.getJobCounts('completed', 'failed');
    while ((counts.completed ?? 0) + (counts.failed ?? 0) < expected && Date.now() < deadline) {
      await show();
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await service.services.queues.deliver.getJobCounts('completed', 'failed');
    }
    await show();
    say('');
    say('Summary (call, where the record came from, deliveries, what the call was):');
    for (const [index, call] of calls.entries()) {
      const story = await service.services.story.list(call.telephonySessionId);
      const matched = story.find((entry) => entry.step === 'matched');
      const delivered = story.filter((entry) => entry.step === 'delivery' && entry.outcome === 'delivered');
      say(
        `  ${call.telephonySessionId}  ${String(matched?.source ?? 'pending').padEnd(12)} ` +
          `delivered ${delivered.length}/${config.crm.adapters.length}  ${demoCalls[index]!.label}`,
      );
    }
    const stats = fake.stats();
    say(
      `RingCentral requests: ${stats.byGroup.Heavy} Heavy for ${calls.length} calls, ${stats.rateLimited} refused (429)`,
    );
    if ((counts.completed ?? 0) < expected) {
      throw new CliError(
        `only ${counts.completed ?? 0} of ${expected} deliveries completed in ${options.timeout} s`,
      );
    }
    say('All calls enriched and delivered.');
    say('');
    say('What next:');
    say(
      '  npx rc-enrich simulate    the same, left running: dashboard, /metrics, `rc-enrich call`, dead letters',
    );
    say('  README "Run it for real"  from a .env to production; every topic is in docs/README.md');
    if (!options.json)
      say('  npm run --silent demo -- --json | jq .data.source    the records themselves, as JSON lines');
  } finally {
    await playground.close();
  }
}
