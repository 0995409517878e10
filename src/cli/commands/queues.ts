import type { Command } from 'commander';
import { redactUrl } from '../../infra/redis.js';
import {
  formatQueuesReport,
  prefixInUse,
  queuesReport,
  queuesReportJson,
} from '../../monitoring/queues-report.js';
import { createBudgets } from '../../ringcentral/budget.js';
import { budgetsReport, formatBudgetsReport } from '../../ringcentral/budget-report.js';
import { CliError, action, loadCliConfig, withServices } from '../context.js';

export function registerQueues(program: Command) {
  program
    .command('queues')
    .description('job counts per queue and state, then the RingCentral budget of each rate group')
    .option(
      '--json',
      'print JSON keyed by queue name: {"deliver":{"paused":false,"counts":{...}}}, and "budgets" by group',
    )
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadCliConfig();
        // Counts and budgets are read from Redis: no RingCentral client, no workers.
        // Which data this is: a typo in REDIS_URL or QUEUE_PREFIX must not read as an idle service.
        const source = `Redis ${redactUrl(config.redisUrl)}, QUEUE_PREFIX ${config.queuePrefix}`;
        const [report, budgets] = await withServices(config, async ({ queues, redis, keys }) => {
          if (!(await prefixInUse(redis, queues)))
            throw new CliError(
              `Nothing under QUEUE_PREFIX "${config.queuePrefix}" on ${redactUrl(config.redisUrl)}: no rc-enrich worker ` +
                "has run with it. REDIS_URL and QUEUE_PREFIX must be the same as the service's.",
            );
          return Promise.all([
            queuesReport([queues.enrich, queues.deliver, queues.maintenance]),
            budgetsReport(createBudgets(redis, keys, config.ringcentral.heavy)),
          ]);
        });
        console.log(
          options.json
            ? JSON.stringify(
                {
                  ...queuesReportJson(report),
                  budgets: Object.fromEntries(
                    budgets.map(({ group, nextReturnAt: _at, ...budget }) => [group, budget]),
                  ),
                },
                null,
                2,
              )
            : `${source}\n\n${formatQueuesReport(report)}\n\nRingCentral budget (shared by all processes)\n${formatBudgetsReport(budgets)}`,
        );
      }),
    );
}
