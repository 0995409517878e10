import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { PermanentError } from '../errors.js';
import type { Queues } from '../queues.js';
import type { Notification } from '../ringcentral/notification.js';
import type { EnsureResult, SubscriptionManager } from './manager.js';
import {
  classify,
  renewThresholdMs,
  snapshotOf,
  type SubscriptionSnapshot,
  type SubscriptionStore,
} from './state.js';
import type { SubscriptionInfo, SubscriptionState } from './types.js';

/** The maintenance job's name: the scheduled check and the reminder's immediate check are the same job. */
export const CHECK_JOB = 'check-subscription';

export interface CheckJobData {
  /** Renew even if not due: RingCentral's renewal reminder arrived. */
  renew?: boolean;
  trigger?: 'schedule' | 'reminder';
  subscriptionId?: string;
}

export interface CheckResult {
  result: EnsureResult;
  snapshot: SubscriptionSnapshot;
  /** Whether the subscription was wanted before this run (undefined: never said). */
  wanted?: boolean;
}

interface Deps {
  config: Config;
  manager: SubscriptionManager;
  store: SubscriptionStore;
  logger: Logger;
  /** Counted on every repair (renewed, recreated). */
  onRepair?: (action: 'renewed' | 'recreated') => void;
  /** Told the outcome of every check. */
  onSnapshot?: (snapshot: SubscriptionSnapshot) => void;
}

/**
 * Keeps the subscription alive without an operator: renews it before expiry (or when RingCentral's
 * reminder says so), re-creates it when blacklisted, or when it vanished after `subscribe` had made it.
 */
export function createSubscriptionKeeper({ config, manager, store, logger, onRepair, onSnapshot }: Deps) {
  let warnedUnmanaged = false;

  /**
   * Get to one healthy subscription and record the outcome (also for the CLI). A failure is recorded
   * with the state found before it, then rethrown as it was.
   */
  async function run(options: { allowCreate?: boolean; renew?: boolean }): Promise<CheckResult> {
    const stored = await store.read();
    let observed: { state: SubscriptionState; found?: SubscriptionInfo } | undefined;
    try {
      const result = await manager.ensure({
        // A vanished subscription is re-created only if we made (or adopted) it; never after `unsubscribe`.
        allowCreate: options.allowCreate ?? (async () => (await store.read()).wanted === true),
        forceRenew: options.renew,
        onObserved: (state, found) => {
          observed = { state, found };
        },
      });
      const snapshot = await recordResult(result);
      if (result.subscription) await store.setWanted(true);
      return { result, snapshot, wanted: stored.wanted };
    } catch (err) {
      const snapshot: SubscriptionSnapshot = observed
        ? snapshotOf(observed.found, observed.state, Date.now())
        : {
            ...(stored.snapshot ?? snapshotOf(undefined, 'missing', Date.now())),
            checkedAt: new Date().toISOString(),
          };
      snapshot.lastError = err instanceof Error ? err.message : String(err);
      snapshot.lastAction = stored.snapshot?.lastAction;
      await store.record(snapshot).catch(() => undefined);
      onSnapshot?.(snapshot);
      throw err;
    }
  }

  /** The scheduled (or reminder-triggered) check: repairs, logs loudly, counts. */
  async function check(data: CheckJobData = {}): Promise<CheckResult | { skipped: string }> {
    if (!config.webhook.publicUrl) {
      if (!warnedUnmanaged) {
        logger.warn('PUBLIC_URL is not set: the webhook subscription is not checked or kept alive');
        warnedUnmanaged = true;
      }
      return { skipped: 'PUBLIC_URL is not set' };
    }
    try {
      const outcome = await run({ renew: data.renew });
      report(outcome.result, data, outcome.wanted);
      return outcome;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.error(
        { err: message, address: manager.address(), trigger: data.trigger ?? 'schedule' },
        'WEBHOOK SUBSCRIPTION CHECK FAILED: notifications may not be arriving',
      );
      // Retrying cannot fix a missing permission or an unreachable PUBLIC_URL; the next check will try again.
      if (err instanceof PermanentError) throw new UnrecoverableError(message);
      throw err;
    }
  }

  async function recordResult(result: EnsureResult): Promise<SubscriptionSnapshot> {
    const now = Date.now();
    const { lifetimeMs, snapshot: previous } = await store.read();
    const state = result.subscription
      ? classify(result.subscription, now, renewThresholdMs(config.subscription, lifetimeMs))
      : result.previousState;
    const snapshot = snapshotOf(result.subscription ?? result.previous, state, now);
    if (result.action !== 'none' && result.action !== 'reused') {
      snapshot.lastAction = {
        action: result.action,
        at: snapshot.checkedAt,
        previousState: result.previousState,
        previousId: result.previous?.id,
      };
    } else {
      snapshot.lastAction = previous?.lastAction;
    }
    await store.record(snapshot);
    onSnapshot?.(snapshot);
    return snapshot;
  }

  function report(result: EnsureResult, data: CheckJobData, wanted: boolean | undefined): void {
    const context = {
      subscriptionId: result.subscription?.id,
      previousId: result.previous?.id,
      previousState: result.previousState,
      expiresAt: result.subscription?.expirationTime,
      trigger: data.trigger ?? 'schedule',
    };
    switch (result.action) {
      case 'recreated':
        onRepair?.('recreated');
        logger.error(
          { ...context, reason: result.previous?.blacklistedData?.reason ?? result.previous?.status },
          'WEBHOOK SUBSCRIPTION WAS BLACKLISTED by RingCentral: deleted it and created a new one',
        );
        break;
      case 'created':
        onRepair?.('recreated');
        logger.error(context, 'WEBHOOK SUBSCRIPTION HAD DISAPPEARED from RingCentral: created a new one');
        break;
      case 'renewed':
      case 'updated':
        onRepair?.('renewed');
        logger.warn(context, `webhook subscription ${result.action}`);
        break;
      case 'none':
        if (wanted === false) {
          logger.warn(
            { address: manager.address() },
            'no webhook subscription (removed by `rc-enrich unsubscribe`)',
          );
        } else {
          logger.error(
            { address: manager.address() },
            'NO WEBHOOK SUBSCRIPTION: RingCentral is not sending notifications; run `rc-enrich subscribe`',
          );
        }
        break;
      case 'reused':
        logger.debug(context, 'webhook subscription is healthy');
        break;
    }
    if (result.removed.length > 0)
      logger.warn({ removed: result.removed }, 'deleted duplicate subscriptions');
  }

  /** The maintenance-queue handler. */
  const handler = async (job: Job) => {
    const outcome = await check(job.data as CheckJobData);
    return 'skipped' in outcome
      ? { skipped: outcome.skipped }
      : { action: outcome.result.action, state: outcome.snapshot.state, id: outcome.snapshot.id };
  };

  return { run, check, handler };
}

export type SubscriptionKeeper = ReturnType<typeof createSubscriptionKeeper>;

/** After a reminder queued a renewal, further reminders within this time queue nothing. */
export const reminderCooldownMs = 60 * 60 * 1000;

/**
 * RingCentral's renewal reminder, on the request path: no RingCentral call here, just an immediate
 * check-and-renew job on the maintenance queue. Anyone holding the verification token can post
 * reminders, so a reminder for another subscription than ours is ignored, and the job is throttled:
 * one per `reminderCooldownMs` however many arrive (BullMQ keeps the deduplication id that long, even
 * after the job completed). RingCentral repeats a real reminder daily until the renewal, so none is lost.
 */
export function createReminderHandler({
  queues,
  logger,
  ourSubscriptionId,
}: {
  queues: Queues;
  logger: Logger;
  /** The subscription the keeper last saw (undefined before the first check: then any is taken). */
  ourSubscriptionId: () => Promise<string | undefined>;
}) {
  return async (notification: Notification): Promise<void> => {
    const ours = await ourSubscriptionId();
    if (ours !== undefined && notification.subscriptionId !== ours) {
      logger.warn('subscription renewal reminder for another subscription: ignored');
      return;
    }
    const data: CheckJobData = {
      renew: true,
      trigger: 'reminder',
      subscriptionId: notification.subscriptionId,
    };
    const job = await queues.maintenance.add(CHECK_JOB, data as Record<string, unknown>, {
      deduplication: { id: 'subscription-reminder', ttl: reminderCooldownMs },
    });
    logger.info({ jobId: job.id }, 'subscription renewal reminder: renewal queued (at most one an hour)');
  };
}
