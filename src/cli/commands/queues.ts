import type { Command } from 'commander';
import { formatQueuesReport, queuesReport, queuesReportJson } from '../../monitoring/queues-report.js';
import { action, loadCliConfig, withServices } from '../context.js';

export function registerQueues(program: Command) {
  program
    .command('queues')
    .description('job counts per queue and state, one line per queue')
    .option('--json', 'print JSON keyed by queue name: {"deliver":{"paused":false,"counts":{...}}}')
    .action(
      action(async (options: { json?: boolean }) => {
        const report = await withServices(loadCliConfig(), ({ queues }) =>
          queuesReport([queues.enrich, queues.deliver, queues.maintenance]),
        );
        console.log(
          options.json ? JSON.stringify(queuesReportJson(report), null, 2) : formatQueuesReport(report),
        );
      }),
    );
}
