import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { simulatorEnvironment } from '../../demo/environment.js';
import { startPlayground, type Playground } from '../../demo/playground.js';
import { demoTimings } from '../../demo/scenario.js';
import { simulatedCall } from '../../demo/traffic.js';
import { readEnvironment } from '../../environment.js';
import { ListenError, explainListenError } from '../../http/listen-error.js';
import { createLogger } from '../../infra/logger.js';
import { redactUrl } from '../../infra/redis.js';
import { CliError, action } from '../context.js';

/**
 * `rc-enrich simulate`: the real service against the built-in RingCentral simulator, left running with
 * a steady stream of calls until Ctrl-C, so the dashboard, /metrics, `rc-enrich call` and the dead
 * letters can be explored without a RingCentral account. Its keys live under their own QUEUE_PREFIX
 * and are removed when it stops.
 */
export function registerSimulate(program: Command) {
  program
    .command('simulate')
    .description(
      'run the service against the RingCentral simulator with steady traffic until Ctrl-C (needs only Redis)',
    )
    .option('--port <port>', 'where the service listens, on 127.0.0.1', '3000')
    .option('--every <seconds>', 'a new call this often', '5')
    .action(
      action(async (options: { port: string; every: string }) => {
        const port = Number(options.port);
        const everyMs = Number(options.every) * 1000;
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          throw new CliError('--port must be a port number (1-65535)');
        if (!Number.isFinite(everyMs) || everyMs < 100)
          throw new CliError('--every must be at least 0.1 (seconds)');
        await simulate(port, everyMs);
      }),
    );
}

async function simulate(port: number, everyMs: number): Promise<void> {
  const recordsFile = join(tmpdir(), `rc-enrich-simulated-calls-${process.pid}.ndjson`);
  const { env, notes, recordsFile: shown } = simulatorEnvironment(readEnvironment(), recordsFile);
  const password = env.ADMIN_PASSWORD?.trim() || randomBytes(6).toString('hex');
  const settings = { ...env, ADMIN_PASSWORD: password, ENRICH_NOT_FOUND: 'dead-letter' };
  parseConfig(settings);
  const say = (line = '') => process.stdout.write(`${line}\n`);
  for (const note of notes) say(`note: ${note}`);

  let playground: Playground;
  try {
    playground = await startPlayground({
      env: settings,
      overrides: demoTimings.service,
      fake: demoTimings.fake,
      logger: createLogger(env.LOG_LEVEL, process.stderr),
      port,
    });
  } catch (err) {
    const explained = explainListenError(err, { port, host: '127.0.0.1' }, '--port');
    if (explained instanceof ListenError) throw new CliError(explained.message);
    throw err;
  }
  const { config, fake } = playground;
  const base = `http://127.0.0.1:${port}`;
  const cli = [
    ...(config.redisUrl === 'redis://127.0.0.1:6379' ? [] : [`REDIS_URL=${redactUrl(config.redisUrl)}`]),
    `QUEUE_PREFIX=${config.queuePrefix}`,
    'npx rc-enrich',
  ].join(' ');
  say('rc-enrich simulator: the real service against a simulated RingCentral, with a call every');
  say(`${everyMs / 1000} s, until you press Ctrl-C. Open:`);
  say();
  say(`  dashboard   ${base}/admin/queues   (user ${config.admin.user}, password ${password})`);
  say(`  metrics     ${base}/metrics`);
  say(`  readiness   ${base}/health/ready`);
  say(
    shown
      ? `  records     tail -f ${shown}`
      : `  records     delivered by CRM_ADAPTER=${config.crm.adapters.join(',')}`,
  );
  say();
  say('Try, in another terminal (the simulator keeps its data under its own QUEUE_PREFIX):');
  say(`  ${cli} queues`);
  say(`  ${cli} call <a call id below>`);
  say(`  ${cli} dlq list`);
  say();

  let n = 0;
  const play = () => {
    const { label, call } = simulatedCall(n++);
    fake.calls.play(call).then(
      (played) => say(`${new Date().toISOString().slice(11, 19)}  ${played.telephonySessionId}  ${label}`),
      () => undefined, // the simulator is closing
    );
  };
  play();
  const timer = setInterval(play, everyMs);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(timer);
  say();
  say('stopping: the simulator, its keys in Redis and its records file are removed.');
  await playground.close();
  if (shown) rmSync(shown, { force: true });
}
