import type { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { demoCalls, demoTimings } from '../../demo/scenario.js';
import { startPlayground } from '../../demo/playground.js';
import { simulatorEnvironment } from '../../demo/environment.js';
import { readEnvironment } from '../../environment.js';
import { createLogger } from '../../infra/logger.js';
import { CliError, action } from '../context.js';

/**
 * `rc-enrich demo`: the real service against the built-in RingCentral simulator. Plays a handful of
 * calls, lets the configured adapter (stdout by default) print the enriched records, then a summary.
 */
export function registerDemo(program: Command) {
  program
    .command('demo')
    .description('try rc-enrich now: the service against a built-in RingCentral simulator (needs only Redis)')
    .option('--timeout <seconds>', 'give up waiting for deliveries after this long', '60')
    .action(
      action(async (options: { timeout: string }) => {
        const { env, notes } = simulatorEnvironment(readEnvironment());
        // Validate the caller's settings (REDIS_URL, CRM_ADAPTER...) before starting anything.
        parseConfig(env);
        const logger = createLogger(env.LOG_LEVEL, process.stderr);
        const playground = await startPlayground({
          env,
          overrides: demoTimings.service,
          fake: { ...demoTimings.fake, seed: 42 },
          logger,
        });
        try {
          const { fake, service, config } = playground;
          const say = (line: string) => process.stderr.write(`${line}\n`);
          for (const note of notes) say(`note: ${note}`);
          say(`rc-enrich demo: RingCentral simulator at ${fake.url}, webhook at ${playground.webhookUrl}`);
          say(`adapters: ${config.crm.adapters.join(', ')}; playing ${demoCalls.length} calls...`);
          const calls = await Promise.all(demoCalls.map(({ call }) => fake.calls.play(call)));
          const expected = calls.length * config.crm.adapters.length;
          const deadline = Date.now() + Number(options.timeout) * 1000;
          let counts = await service.services.queues.deliver.getJobCounts('completed', 'failed');
          while ((counts.completed ?? 0) + (counts.failed ?? 0) < expected && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 250));
            counts = await service.services.queues.deliver.getJobCounts('completed', 'failed');
          }
          say('\nsummary:');
          for (const [index, call] of calls.entries()) {
            const story = await service.services.journey.list(call.telephonySessionId);
            const matched = story.find((entry) => entry.step === 'matched');
            const delivered = story.filter(
              (entry) => entry.step === 'delivery' && entry.outcome === 'delivered',
            );
            say(
              `  ${call.telephonySessionId}  ${String(matched?.source ?? 'pending').padEnd(12)} ` +
                `delivered ${delivered.length}/${config.crm.adapters.length}  ${demoCalls[index]!.label}`,
            );
          }
          const stats = fake.stats();
          say(`RingCentral requests: ${stats.byGroup.Heavy} Heavy, ${stats.rateLimited} refused (429)`);
          if ((counts.completed ?? 0) < expected) {
            throw new CliError(
              `only ${counts.completed ?? 0} of ${expected} deliveries completed in ${options.timeout} s`,
            );
          }
          say('all calls enriched and delivered.');
        } finally {
          await playground.close();
        }
      }),
    );
}
