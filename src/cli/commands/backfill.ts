import type { Command } from 'commander';
import { runBackfill, type BackfillProgress } from '../../reconcile/backfill.js';
import { backfillSummary, progressBar, progressLine } from '../../reconcile/backfill-format.js';
import { reconcileParts } from '../../reconcile/feature.js';
import { CliError, action, cliLogger, cliRingCentral, loadCliConfig, withServices } from '../context.js';

interface Options {
  since: string;
  until?: string;
  dryRun?: boolean;
  json?: boolean;
}

function parseTime(name: string, value: string): number {
  const ms = Date.parse(value);
  if (!/\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new CliError(`${name} must be an ISO time such as 2026-11-30T08:00:00Z, got "${value}"`);
  return ms;
}

/**
 * `backfill --since <ISO> [--until <ISO>] [--dry-run] [--json]`: deliver every call of the period that
 * has not reached the CRM. It queues the deliveries (the running service's workers send them) and exits
 * 0 once they are queued.
 */
export function registerBackfill(program: Command) {
  program
    .command('backfill')
    .description('queue every call of a period that has not reached the CRM (read from the Call Log)')
    .requiredOption('--since <ISO time>', 'start of the period (calls that started at or after it)')
    .option('--until <ISO time>', 'end of the period (default: now)')
    .option('--dry-run', 'count what would be queued, queue nothing')
    .option('--json', 'print the summary as JSON (no progress output)')
    .action(
      action(async (options: Options) => {
        const config = loadCliConfig();
        const now = Date.now();
        const from = parseTime('--since', options.since);
        const to = options.until === undefined ? now : parseTime('--until', options.until);
        if (from >= to) throw new CliError('--since must be before --until (or before now)');
        const quiet = options.json === true;
        const tty = process.stderr.isTTY === true && !quiet;
        if (!quiet && from < now - config.reconcile.horizonMs)
          process.stderr.write(
            `backfill: the delivered ledger remembers ${Math.round(config.reconcile.horizonMs / 86_400_000)} days ` +
              '(RECONCILE_HORIZON_MS): calls delivered before that may be sent again; adapters that honour ' +
              'the idempotency key ignore the repeat\n',
          );
        const show = (progress: BackfillProgress, waitingMs?: number) => {
          if (quiet) return;
          if (tty) process.stderr.write(`\r\x1b[2K${progressBar(progress, waitingMs)}`);
          else process.stderr.write(`${progressLine(progress, waitingMs)}\n`);
        };
        const progress = await withServices(config, async (services) => {
          const logger = cliLogger(config);
          const ringcentral = cliRingCentral(config, services, logger);
          await ringcentral.ensureLoggedIn();
          const { recovery } = reconcileParts({ config, logger, services, ringcentral });
          return runBackfill(
            {
              client: ringcentral,
              recovery,
              redis: services.workerRedis,
              keys: services.keys,
              pageSize: config.reconcile.pageSize,
            },
            { from, to },
            { dryRun: options.dryRun, onProgress: show },
          );
        });
        if (tty) process.stderr.write('\n');
        const dryRun = options.dryRun === true;
        console.log(
          quiet
            ? JSON.stringify({
                since: new Date(from).toISOString(),
                until: new Date(to).toISOString(),
                dryRun,
                ...progress,
              })
            : backfillSummary(progress, dryRun),
        );
      }),
    );
}
