import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerServe } from './commands/serve.js';

/** `rc-enrich <command>`: one module per command under ./commands, registered here. */
export function buildProgram(): Command {
  const program = new Command()
    .name('rc-enrich')
    .description('RingCentral call events in, enriched call records out to your CRM')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerServe(program);
  registerDemo(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
