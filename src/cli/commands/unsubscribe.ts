import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { checkSettings, consoleOutput, withSubscriptions, type Output } from '../subscription-support.js';
import { snapshotOf } from '../../subscriptions/state.js';
import { action, loadCliConfig } from '../context.js';

/**
 * `rc-enrich unsubscribe`: delete our subscription(s) — those delivering to PUBLIC_URL/webhooks/ringcentral
 * with the telephony-session filter — and nothing else. The keeper will not re-create them.
 */
export async function unsubscribe(
  config: Config,
  options: { json?: boolean } = {},
  output: Output = consoleOutput,
): Promise<{ address: string; deleted: string[] }> {
  checkSettings(config, { publicUrl: true }, output);
  const result = await withSubscriptions(config, async ({ manager, store }) => {
    // Said first, so a keeper check running now does not re-create what we delete.
    await store.setWanted(false);
    const deleted = await manager.removeOurs();
    await store.record(snapshotOf(undefined, 'missing', Date.now()));
    return { address: manager.address(), deleted };
  });
  if (options.json) output.out(JSON.stringify(result));
  else if (result.deleted.length === 0)
    output.out(`No subscription delivers to ${result.address}: nothing to delete`);
  else {
    for (const id of result.deleted)
      output.out(`Deleted subscription ${id} (delivering to ${result.address})`);
    output.out(
      'RingCentral no longer sends notifications to this service; `rc-enrich subscribe` sets it up again.',
    );
  }
  return result;
}

export function registerUnsubscribe(program: Command) {
  program
    .command('unsubscribe')
    .description("delete this service's webhook subscription (only ours; others are left alone)")
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await unsubscribe(loadCliConfig(), options);
      }),
    );
}
