import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { checkSettings, consoleOutput, withSubscriptions, type Output } from '../subscription-support.js';
import { describeEnsure, describeSubscription } from '../../subscriptions/format.js';
import type { EnsureResult } from '../../subscriptions/manager.js';
import { action, CliError, loadCliConfig } from '../context.js';

/**
 * `rc-enrich subscribe`: create the webhook subscription, or reuse / renew / repair the one we have
 * (never a second one). RingCentral validates PUBLIC_URL/webhooks/ringcentral while we wait, so the
 * service must already be running there.
 */
export async function subscribe(
  config: Config,
  options: { json?: boolean } = {},
  output: Output = consoleOutput,
): Promise<EnsureResult> {
  checkSettings(config, { publicUrl: true, verificationToken: true }, output);
  const result = await withSubscriptions(config, async ({ keeper, manager }) => {
    const { result } = await keeper.run({ allowCreate: true });
    return { ...result, address: manager.address() };
  });
  if (!result.subscription) throw new CliError('RingCentral returned no subscription'); // cannot happen with allowCreate
  if (options.json) {
    output.out(
      JSON.stringify({
        action: result.action,
        address: result.address,
        subscription: result.subscription,
        replaced: result.previous && result.action === 'recreated' ? result.previous.id : undefined,
        removedDuplicates: result.removed,
      }),
    );
  } else {
    for (const line of describeEnsure(result)) output.out(line);
    for (const line of describeSubscription(result.subscription).slice(1)) output.out(line);
    output.out('The service now keeps it alive (renews it, re-creates it if RingCentral blacklists it).');
  }
  return result;
}

export function registerSubscribe(program: Command) {
  program
    .command('subscribe')
    .description(
      'create (or reuse, renew, repair) the RingCentral webhook subscription delivering to PUBLIC_URL/webhooks/ringcentral',
    )
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await subscribe(loadCliConfig(), options);
      }),
    );
}
