import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { checkSettings, consoleOutput, withSubscriptions, type Output } from '../subscription-support.js';
import { describeEnsure } from '../../subscriptions/format.js';
import type { EnsureResult } from '../../subscriptions/manager.js';
import { action, CliError, loadCliConfig } from '../context.js';

/** `rc-enrich renew`: renew our subscription now. A missing or blacklisted one needs `subscribe`. */
export async function renew(
  config: Config,
  options: { json?: boolean } = {},
  output: Output = consoleOutput,
): Promise<EnsureResult> {
  checkSettings(config, { publicUrl: true }, output);
  const result = await withSubscriptions(config, async ({ keeper, manager }) => {
    const [ours] = await manager.findOurs();
    if (!ours) {
      throw new CliError(
        `No subscription delivers to ${manager.address()}: run \`rc-enrich subscribe\` to create it`,
      );
    }
    if (ours.status !== 'Active') {
      const reason = ours.blacklistedData?.reason;
      throw new CliError(
        `Subscription ${ours.id} is ${ours.status}${reason ? ` (${reason})` : ''}: RingCentral does not renew it. ` +
          'Run `rc-enrich subscribe` to replace it with a new one',
      );
    }
    return (await keeper.run({ allowCreate: false, renew: true })).result;
  });
  if (!result.subscription)
    throw new CliError('The subscription disappeared while renewing: run `rc-enrich subscribe`');
  if (options.json) output.out(JSON.stringify({ action: result.action, subscription: result.subscription }));
  else for (const line of describeEnsure(result)) output.out(line);
  return result;
}

export function registerRenew(program: Command) {
  program
    .command('renew')
    .description('renew the webhook subscription now (the service also does this by itself)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await renew(loadCliConfig(), options);
      }),
    );
}
