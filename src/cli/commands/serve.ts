import type { Command } from 'commander';
import { main } from '../../main.js';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description('run the service (api and workers, per ROLE) in the foreground; same as `npm start`')
    .action(async () => {
      await main();
    });
}
