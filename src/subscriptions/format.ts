import type { EnsureResult } from './manager.js';
import type { SubscriptionSnapshot } from './state.js';
import type { SubscriptionInfo, SubscriptionState } from './types.js';

/** Human lines for the CLI. Times are ISO (UTC) with a rough "in N days" so nobody does date maths. */
export function describeSubscription(
  subscription: SubscriptionInfo,
  options: { state?: SubscriptionState; ours?: boolean; now?: number } = {},
): string[] {
  const now = options.now ?? Date.now();
  const head = [
    subscription.id,
    subscription.status,
    options.state && options.state !== 'active' && options.state.toUpperCase(),
    subscription.expirationTime &&
      `expires ${subscription.expirationTime} (${untilText(subscription.expirationTime, now)})`,
    options.ours && '[ours]',
  ]
    .filter(Boolean)
    .join('  ');
  const lines = [head, `  delivers to: ${subscription.deliveryMode?.address ?? '(unknown)'}`];
  lines.push(`  filters:     ${subscription.eventFilters.join(', ') || '(none)'}`);
  for (const disabled of subscription.disabledFilters ?? []) {
    lines.push(`  DISABLED:    ${disabled.filter}: ${disabled.message ?? disabled.reason ?? ''}`);
  }
  if (subscription.blacklistedData || subscription.status !== 'Active') {
    const data = subscription.blacklistedData;
    lines.push(
      `  BLACKLISTED: ${data?.reason ?? 'no reason given'}${data?.blacklistedAt ? ` (since ${data.blacklistedAt})` : ''}`,
    );
  }
  return lines;
}

const actionText: Record<EnsureResult['action'], string> = {
  created: 'created',
  recreated: 're-created',
  updated: 'updated (filters repaired) and renewed',
  renewed: 'renewed',
  reused: 'already in place (reused)',
  none: 'not found',
};

export function describeEnsure(result: EnsureResult): string[] {
  const lines: string[] = [];
  const subscription = result.subscription;
  if (subscription) {
    const expiry = subscription.expirationTime
      ? `, expires ${subscription.expirationTime} (${untilText(subscription.expirationTime, Date.now())})`
      : '';
    lines.push(
      `Subscription ${subscription.id} ${actionText[result.action]}: ${subscription.status}${expiry}`,
    );
  }
  if (result.action === 'recreated' && result.previous) {
    const reason = result.previous.blacklistedData?.reason;
    lines.push(
      `  replaced ${result.previous.id}, which RingCentral reported ${result.previous.status}${reason ? `: ${reason}` : ''}`,
    );
  }
  for (const id of result.removed) lines.push(`  deleted duplicate subscription ${id}`);
  return lines;
}

export function describeSnapshot(snapshot: SubscriptionSnapshot): string {
  const parts = [`last check ${snapshot.checkedAt}: ${snapshot.state}`];
  if (snapshot.lastAction)
    parts.push(`last repair: ${snapshot.lastAction.action} at ${snapshot.lastAction.at}`);
  if (snapshot.lastError) parts.push(`last error: ${snapshot.lastError}`);
  return parts.join('; ');
}

function untilText(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return 'unknown';
  if (ms <= 0) return 'expired';
  const days = Math.floor(ms / 86_400_000);
  if (days >= 1) return `in ${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.floor(ms / 3_600_000);
  return hours >= 1 ? `in ${hours} h` : `in ${Math.max(1, Math.floor(ms / 60_000))} min`;
}
