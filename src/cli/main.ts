import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerSimulate } from './commands/simulate.js';
import { registerServe } from './commands/serve.js';
import { registerRenew } from './commands/renew.js';
import { registerSubscribe } from './commands/subscribe.js';
import { registerSubscriptions } from './commands/subscriptions.js';
import { registerUnsubscribe } from './commands/unsubscribe.js';
import { registerQueues } from './commands/queues.js';
import { registerDlq } from './commands/dlq.js';
import { registerCall } from './commands/call.js';
import { registerBackfill } from './commands/backfill.js';

/** The package's version; package.json sits two folders up from both src/cli and dist/cli. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** `rc-enrich <command>`: one module per command under ./commands, registered here. */
export function buildProgram(): Command {
  const program = new Command()
    .name('rc-enrich')
    .description('RingCentral call events in, enriched call records out to your CRM')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerServe(program);
  registerSubscribe(program);
  registerSubscriptions(program);
  registerRenew(program);
  registerUnsubscribe(program);
  registerQueues(program);
  registerDlq(program);
  registerCall(program);
  registerBackfill(program);
  registerDemo(program);
  registerSimulate(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
