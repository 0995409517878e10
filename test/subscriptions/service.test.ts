import { afterEach, describe, expect, it } from 'vitest';
import { subscribe } from '../../src/cli/commands/subscribe.js';
import { CHECK_JOB } from '../../src/subscriptions/keeper.js';
import { eventually } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';
import { captureOutput, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const quiet = () => captureOutput().output;
const renewRequests = (harness: Harness) =>
  harness.fake.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/renew'));

describe('service › renewal reminder', () => {
  it('RingCentral posts the reminder to the running webhook; the worker renews the subscription', async () => {
    h = await startHarness({ role: 'all' });
    const harness = h;
    const id = (await subscribe(harness.config, {}, quiet())).subscription!.id;
    expect(renewRequests(harness)).toHaveLength(0);

    const delivery = await harness.fake.subscriptions.sendRenewalReminder(id);
    expect(delivery).toMatchObject({ kind: 'reminder', ok: true, status: 200 });

    await eventually(async () => renewRequests(harness).length === 1);
    const subscription = await eventually(async () => {
      const ready = await harness.running!.app.inject({ url: '/health/ready' });
      const reported = ready.json().checks.subscription;
      return ready.statusCode === 200 && reported.lastAction?.action === 'renewed' ? reported : undefined;
    });
    expect(subscription).toMatchObject({ state: 'active' });
    expect(JSON.stringify(subscription)).not.toContain(id);
    expect(harness.fake.subscriptions.list().map((sub) => sub.id)).toEqual([id]);
  });
});

describe('service › forged renewal reminders', () => {
  it('a flood of 100 reminders costs at most one renewal; a reminder for another subscription none', async () => {
    h = await startHarness({ role: 'all' });
    const harness = h;
    const id = (await subscribe(harness.config, {}, quiet())).subscription!.id;
    const post = (subscriptionId: string, index: number) =>
      fetch(`${harness.publicUrl}/webhooks/ringcentral`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
        body: JSON.stringify({
          uuid: `reminder-${subscriptionId}-${index}`,
          event: '/restapi/v1.0/subscription/~?threshold=2592000&interval=86400',
          subscriptionId,
          body: { expiresIn: 100 },
        }),
      });
    const foreign = await post('0b1f9d6e-not-ours', 0);
    expect(foreign.status).toBe(200);
    for (let index = 0; index < 100; index++) expect((await post(id, index)).status).toBe(200);
    await eventually(async () => renewRequests(harness).length === 1);
    // The first renewal finished: later reminders are still throttled.
    await eventually(
      async () => (await harness.running!.services.queues.maintenance.getCompletedCount()) >= 1,
    );
    for (let index = 100; index < 110; index++) await post(id, index);
    const jobs = await harness.running!.services.queues.maintenance.getJobs([
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
    ]);
    expect(jobs.filter((job) => (job.data as { trigger?: string }).trigger === 'reminder')).toHaveLength(1);
    expect(renewRequests(harness)).toHaveLength(1);
  });
});

describe('service › scheduled check (BullMQ job scheduler)', () => {
  it('re-creates a blacklisted subscription on its own and reports it in /health/ready and /metrics', async () => {
    h = await startHarness({ role: 'all', env: { SUBSCRIPTION_CHECK_INTERVAL_MS: '300' } });
    const harness = h;
    const scheduler = await harness.running!.services.queues.maintenance.getJobScheduler(CHECK_JOB);
    expect(scheduler?.every).toBe(300);

    const old = (await subscribe(harness.config, {}, quiet())).subscription!.id;
    harness.fake.subscriptions.blacklist(
      old,
      'Webhook responses with code: [503], reason: [Service Unavailable]',
    );

    const replacement = await eventually(async () => {
      const [only, ...more] = harness.fake.subscriptions.list();
      return only && more.length === 0 && only.id !== old && only.status === 'Active' ? only : undefined;
    });
    const checks = await eventually(async () => {
      const body = (await harness.running!.app.inject({ url: '/health/ready' })).json();
      return body.checks.subscription.lastAction?.action === 'recreated' ? body.checks : undefined;
    });
    expect(checks.subscription).toMatchObject({
      state: 'active',
      lastAction: { action: 'recreated', previousState: 'blacklisted' },
    });
    expect(JSON.stringify(checks)).not.toContain(old);
    expect(JSON.stringify(checks)).not.toContain(replacement.id);
    const metrics = (await harness.running!.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rc_enrich_subscription_repairs_total{action="recreated"} 1');
    expect(metrics).toContain('rc_enrich_subscription_state{state="active"} 1');
    expect(metrics).toContain('rc_enrich_subscription_state{state="blacklisted"} 0');
  });
});

describe('service › handshake while busy', () => {
  it('answers the handshake in well under 3 s while 200 notifications arrive at once, and subscribe succeeds', async () => {
    h = await startHarness({ role: 'api' });
    const url = `${h.publicUrl}/webhooks/ringcentral`;
    const notify = (index: number) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
        body: JSON.stringify(
          telephonyNotification({
            telephonySessionId: newTelephonySessionId(),
            sequence: index + 1,
            party: { id: `p-${index}`, status: 'Disconnected' },
          }),
        ),
      });
    // A running service has served requests before: warm it up so we measure load, not a cold start.
    expect((await notify(-1)).status).toBe(200);
    const notifications = Array.from({ length: 200 }, (_, index) => notify(index));

    // Measure once the server is in the middle of the burst: the first answers are back, the rest in flight.
    await Promise.race(notifications);
    const started = performance.now();
    const handshake = await fetch(url, {
      method: 'POST',
      headers: { 'validation-token': 'busy-check', 'content-type': 'application/json' },
    });
    const latencyMs = performance.now() - started;
    const subscribed = subscribe(h.config, {}, quiet());
    const answers = await Promise.all(notifications);

    expect(handshake.status).toBe(200);
    expect(handshake.headers.get('validation-token')).toBe('busy-check');
    expect(latencyMs).toBeLessThan(1_000);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect((await subscribed).action).toBe('created');
  });
});
