import type { Command } from 'commander';
import { formatDeadLetters } from '../../dead-letters/format.js';
import {
  DeadLetterError,
  createDeadLetters,
  deadLetterQueues,
  type DeadLetterQueue,
} from '../../dead-letters/dead-letters.js';
import type { Services } from '../../services.js';
import { escapeControl, safeJson, terminalSafe } from '../terminal-safe.js';
import { CliError, action, loadCliConfig, withServices } from '../context.js';

const deadLetters = (services: Services) =>
  createDeadLetters({
    queues: services.queues,
    story: services.story,
    redis: services.redis,
  });

function queueOption(value: string): DeadLetterQueue {
  if (!(deadLetterQueues as readonly string[]).includes(value))
    throw new CliError(`--queue must be one of ${deadLetterQueues.join(', ')}`);
  return value as DeadLetterQueue;
}

function limitOption(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive integer');
  return limit;
}

/** `dlq list` and `dlq replay <id|--all>`: the failed jobs of enrich and deliver. */
export function registerDlq(program: Command) {
  const dlq = program
    .command('dlq')
    .description('dead letters: calls that could not be enriched or delivered');

  dlq
    .command('list')
    .description('list dead letters, newest first')
    .option('--queue <queue>', 'only this queue (enrich or deliver)')
    .option('--limit <n>', 'how many to show', '50')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { queue?: string; limit: string; json?: boolean }) => {
        const queue = options.queue === undefined ? undefined : queueOption(options.queue);
        const limit = limitOption(options.limit);
        const config = loadCliConfig();
        const list = await withServices(config, (services) => deadLetters(services).list({ queue, limit }));
        console.log(options.json ? safeJson(list) : formatDeadLetters(terminalSafe(list)));
      }),
    );

  dlq
    .command('replay')
    .description('send dead letters back for another full round of attempts')
    .argument('[id]', "a job id from `dlq list`, or a telephonySessionId (replays that call's dead letters)")
    .option('--all', 'replay every dead letter')
    .option('--queue <queue>', 'with --all: only this queue (enrich or deliver)')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string | undefined, options: { all?: boolean; queue?: string; json?: boolean }) => {
        if (Boolean(id) === Boolean(options.all))
          throw new CliError('dlq replay needs either a job id or --all');
        const queue = options.queue === undefined ? undefined : queueOption(options.queue);
        const config = loadCliConfig();
        const result = await withServices(config, async (services) => {
          try {
            return id
              ? { replayed: await deadLetters(services).replay(id), failed: [] }
              : await deadLetters(services).replayAll({ queue });
          } catch (err) {
            if (err instanceof DeadLetterError) throw new CliError(err.message);
            throw err;
          }
        });
        if (options.json) console.log(safeJson(result));
        else {
          for (const job of result.replayed)
            console.log(escapeControl(`replayed ${job.queue} ${job.id} (call ${job.telephonySessionId})`));
          for (const job of result.failed)
            console.error(escapeControl(`could not replay ${job.queue} ${job.id}: ${job.reason}`));
          console.log(
            result.replayed.length === 0 && result.failed.length === 0
              ? 'No dead letters to replay.'
              : `${result.replayed.length} replayed, ${result.failed.length} not replayed.`,
          );
        }
        if (result.failed.length > 0)
          throw new CliError(`${result.failed.length} dead letter(s) could not be replayed`);
      }),
    );
}
