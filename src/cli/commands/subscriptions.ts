import type { Command } from 'commander';
import type { Config } from '../../config.js';
import {
  checkSettings,
  consoleOutput,
  targetAddress,
  withSubscriptions,
  type Output,
} from '../subscription-support.js';
import { isOurs } from '../../subscriptions/event-filters.js';
import { describeSnapshot, describeSubscription } from '../../subscriptions/format.js';
import { classify, renewThresholdMs, type SubscriptionSnapshot } from '../../subscriptions/state.js';
import type { SubscriptionInfo, SubscriptionState } from '../../subscriptions/types.js';
import { action, loadCliConfig } from '../context.js';

export interface ListedSubscription {
  subscription: SubscriptionInfo;
  state: SubscriptionState;
  ours: boolean;
}

/**
 * `rc-enrich subscriptions`: every webhook subscription of this app (RingCentral allows 30), with
 * status, expiry, filters and any blacklisting reason; ours (delivering to PUBLIC_URL) is marked.
 */
export async function listSubscriptions(
  config: Config,
  options: { json?: boolean } = {},
  output: Output = consoleOutput,
): Promise<{ address?: string; subscriptions: ListedSubscription[]; lastCheck?: SubscriptionSnapshot }> {
  checkSettings(config, {}, output);
  const address = targetAddress(config);
  const { subscriptions, lastCheck } = await withSubscriptions(config, async ({ manager, store }) => {
    const stored = await store.read();
    const threshold = renewThresholdMs(config.subscription, stored.lifetimeMs);
    const now = Date.now();
    const listed = (await manager.list()).map((subscription) => ({
      subscription,
      state: classify(subscription, now, threshold),
      ours: address !== undefined && isOurs(subscription, address),
    }));
    return { subscriptions: listed, lastCheck: stored.snapshot };
  });

  if (options.json) {
    output.out(JSON.stringify({ address, subscriptions, lastCheck }));
  } else {
    if (subscriptions.length === 0) output.out('No webhook subscriptions for this app.');
    for (const entry of subscriptions) {
      for (const line of describeSubscription(entry.subscription, entry)) output.out(line);
    }
    if (!address) output.out('PUBLIC_URL is not set: cannot tell which subscription is ours.');
    else if (!subscriptions.some((entry) => entry.ours)) {
      output.out(`None delivers to ${address}: run \`rc-enrich subscribe\`.`);
    }
    if (lastCheck) output.out(`Keeper: ${describeSnapshot(lastCheck)}`);
  }
  return { address, subscriptions, lastCheck };
}

export function registerSubscriptions(program: Command) {
  program
    .command('subscriptions')
    .description("list this app's webhook subscriptions: status, expiry, filters, blacklisting reason")
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await listSubscriptions(loadCliConfig(), options);
      }),
    );
}
