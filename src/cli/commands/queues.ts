import type { Command } from 'commander';
import { formatQueuesReport, queuesReport, queuesReportJson } from '../../monitoring/queues-report.js';
import { budgetsReport, formatBudgetsReport } from '../../ringcentral/budget-report.js';
import { action, loadCliConfig, withServices } from '../context.js';

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
        const [report, budgets] = await withServices(loadCliConfig(), ({ queues, ringcentral }) =>
          Promise.all([
            queuesReport([queues.enrich, queues.deliver, queues.maintenance]),
            budgetsReport(ringcentral.budgets),
          ]),
        );
        console.log(
          options.json
            ? JSON.stringify(
                {
                  ...queuesReportJson(report),
                  budgets: Object.fromEntries(budgets.map(({ group, ...budget }) => [group, budget])),
                },
                null,
                2,
              )
            : `${formatQueuesReport(report)}\n\nRingCentral budget (shared by all processes)\n${formatBudgetsReport(budgets)}`,
        );
      }),
    );
}
