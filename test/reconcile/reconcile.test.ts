import { afterEach, describe, expect, it } from 'vitest';
import { formatCallStory } from '../../src/monitoring/call-story-format.js';
import { loadCallStory } from '../../src/monitoring/call-story.js';
import { sample } from '../monitoring/helpers.js';
import type { EnrichedCall } from '../../src/calls/types.js';
import { createDeliveredLedger } from '../../src/deliver/ledger.js';
import { createDeliveryScheduler } from '../../src/deliver/schedule.js';
import { deliverJobId } from '../../src/queues.js';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';
import { createReconcileStore } from '../../src/reconcile/state.js';
import { expectEachDeliveredOnce, reconcileEnv } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

interface Delivered {
  source: string;
  recoveredBy?: string;
  records: Array<{ id: string }>;
}

describe('reconcile › lost notifications', () => {
  it('during a burst, calls never notified and calls that lost their end reach the CRM once, without a 429', async () => {
    stack = await startStack({ env: reconcileEnv });
    const fake = stack.fake;
    const burst = Array.from({ length: 20 }, (_, n) =>
      fake.calls.play({ ringMs: n * 10, talkMs: 50 + n * 5 }),
    );
    const silent = Array.from({ length: 5 }, () =>
      fake.calls.play({ deliverNotifications: false, talkMs: 50 }),
    );
    const endless = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const call = fake.calls.start();
        await call.answer();
        await call.hangUp({ notify: false });
        return call;
      }),
    );
    const normal = await Promise.all(burst);
    const never = await Promise.all(silent);

    const delivered = (await expectEachDeliveredOnce(stack, [...normal, ...never, ...endless])) as Map<
      string,
      Delivered
    >;
    for (const call of [...never, ...endless]) {
      const data = delivered.get(call.telephonySessionId)!;
      expect(data).toMatchObject({ source: 'call-log', recoveredBy: 'reconcile' });
      expect(data.records[0]?.id).toBe(call.recordId);
    }
    for (const call of normal) expect(delivered.get(call.telephonySessionId)?.recoveredBy).toBeUndefined();
    expect(fake.stats().rateLimited).toBe(0);

    const service = stack.services[0]!;
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(sample(metrics.body, 'rc_enrich_calls_recovered_total', { reason: 'never-notified' })).toBe(5);
    expect(sample(metrics.body, 'rc_enrich_calls_recovered_total', { reason: 'end-missing' })).toBe(5);
    expect(sample(metrics.body, 'rc_enrich_reconcile_lag_seconds')).toBeLessThan(5);
    const ready = await service.app.inject({ method: 'GET', url: '/health/ready' });
    // Scans every 500 ms often wait for the budget between pages: "catching up" is as healthy as "ok".
    const reconcile = (ready.json() as { checks: { reconcile: { state: string; lastSuccessAt?: string } } })
      .checks.reconcile;
    expect(['ok', 'catching up']).toContain(reconcile.state);
    expect(Date.parse(reconcile.lastSuccessAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // The operator's view of a recovered call: who recovered it, why, and its delivery.
    const story = await loadCallStory(
      { ...service.services, adapters: ['webhook'] },
      never[0]!.telephonySessionId,
    );
    const text = formatCallStory(story!);
    expect(text).toContain('by reconcile from the Call Log (no notification ever arrived)');
    expect(text).toMatch(/webhook attempt 1: delivered/);
    expect(text).toContain('Status: delivered to webhook');
  });

  it('calls that ended while the service was stopped are recovered when it is back', async () => {
    stack = await startStack({ env: reconcileEnv });
    const port = Number(new URL(stack.webhookUrl).port);
    const before = await stack.fake.calls.play({ talkMs: 50 });
    const first = stack.services.shift()!;
    await first.close();

    const during = await Promise.all(Array.from({ length: 6 }, () => stack!.fake.calls.play({ talkMs: 50 })));
    expect(
      stack.fake.deliveryLog.filter(
        (entry) => entry.telephonySessionId === during[0]!.telephonySessionId && entry.ok,
      ),
    ).toEqual([]);

    const again = await stack.startAnother();
    await again.app.listen({ port, host: '127.0.0.1' });
    const after = await stack.fake.calls.play({ talkMs: 50 });
    const delivered = await expectEachDeliveredOnce(stack, [before, ...during, after]);
    for (const call of during)
      expect(delivered.get(call.telephonySessionId)).toMatchObject({ recoveredBy: 'reconcile' });
    expect(stack.fake.stats().rateLimited).toBe(0);
  });

  it('just turned on, the reconciler sends no request: nothing can be recovered yet', async () => {
    stack = await startStack({ env: { ...reconcileEnv, RECONCILE_INTERVAL_MS: '600000' } });
    const { maintenance } = stack.services[0]!.services.queues;
    const run = await eventually(async () =>
      (await maintenance.getCompleted()).find((job) => job.name === 'reconcile'),
    );
    expect(run.returnvalue).toEqual({ outcome: 'nothing-yet' });
    expect(stack.fake.requestLog.filter((entry) => entry.path.endsWith('/call-log'))).toEqual([]);
  });

  it('a call never notified is recovered from the next Call Log lookup, without waiting for a scan', async () => {
    // No scan for the rest of the test (the first run just turned reconcile on: nothing to scan yet).
    stack = await startStack({ env: { ...reconcileEnv, RECONCILE_INTERVAL_MS: '600000' } });
    const service = stack.services[0]!;
    const silent = await stack.fake.calls.play({ deliverNotifications: false, talkMs: 50 });
    // Ends later: a Call Log lookup for it lists the silent call too (and the grace has passed by then).
    const unlisted = await stack.fake.calls.play({ missingFromActiveCalls: true, ringMs: 400, talkMs: 200 });

    await eventually(async () =>
      [silent, unlisted].every((call) => deliveredCalls(stack!.crm).has(call.telephonySessionId)),
    );
    const delivered = deliveredCalls(stack.crm) as Map<string, Delivered>;
    expect(delivered.get(silent.telephonySessionId)).toMatchObject({ recoveredBy: 'reconcile' });
    expect(delivered.get(unlisted.telephonySessionId)?.recoveredBy).toBeUndefined();
    const state = await createReconcileStore(service.services.redis, service.services.keys).read();
    expect(state.lastSuccessAt).toBeUndefined();
    expect(stack.crm.requests).toHaveLength(2);
  });

  it('a lost call too recent for the lookup that listed it is decided again after the grace, from the same page', async () => {
    // A grace longer than the lookup takes to come: the silent call is too recent for it.
    stack = await startStack({
      env: { ...reconcileEnv, RECONCILE_INTERVAL_MS: '600000', RECONCILE_GRACE_MS: '5000' },
    });
    const service = stack.services[0]!;
    const silent = await stack.fake.calls.play({ deliverNotifications: false, talkMs: 50 });
    const unlisted = await stack.fake.calls.play({ missingFromActiveCalls: true, talkMs: 50 });
    const callLogRequests = () =>
      stack!.fake.requestLog.filter((entry) => entry.path.endsWith('/call-log')).length;

    await eventually(async () => deliveredCalls(stack!.crm).has(unlisted.telephonySessionId), 15_000);
    const lookups = callLogRequests();
    expect(deliveredCalls(stack.crm).has(silent.telephonySessionId)).toBe(false);
    await eventually(async () => deliveredCalls(stack!.crm).has(silent.telephonySessionId), 15_000);
    expect(deliveredCalls(stack.crm).get(silent.telephonySessionId)).toMatchObject({
      recoveredBy: 'reconcile',
    });
    // No request of its own, and no scan: the records the lookup already had.
    expect(callLogRequests()).toBe(lookups);
    const state = await createReconcileStore(service.services.redis, service.services.keys).read();
    expect(state.lastSuccessAt).toBeUndefined();
    expect(stack.crm.requests).toHaveLength(2);
  });

  it('once a lookup found a lost call, a scan follows within a minute instead of at the next interval', async () => {
    // The follow-up comes RECONCILE_GRACE_MS + ENRICH_CALL_LOG_DELAY_MS after the recovery: 3.8 s here.
    stack = await startStack({
      env: { ...reconcileEnv, RECONCILE_INTERVAL_MS: '600000', ENRICH_CALL_LOG_DELAY_MS: '3500' },
    });
    const service = stack.services[0]!;
    const first = await stack.fake.calls.play({ deliverNotifications: false, talkMs: 50 });
    const unlisted = await stack.fake.calls.play({ missingFromActiveCalls: true, ringMs: 400, talkMs: 200 });
    await eventually(async () => deliveredCalls(stack!.crm).has(first.telephonySessionId), 15_000);
    // Lost after the lookup that found the first: only a scan can find it, and none is due for 10 minutes.
    const later = await stack.fake.calls.play({ deliverNotifications: false, talkMs: 50 });

    await eventually(async () => deliveredCalls(stack!.crm).has(later.telephonySessionId), 15_000);
    expect(deliveredCalls(stack.crm).get(later.telephonySessionId)).toMatchObject({
      recoveredBy: 'reconcile',
    });
    const state = await createReconcileStore(service.services.redis, service.services.keys).read();
    expect(state.lastSuccessAt).toBeGreaterThan(first.endedAt!);
    expect(deliveredCalls(stack.crm).has(unlisted.telephonySessionId)).toBe(true);
    expect(stack.crm.requests).toHaveLength(3);
  });

  it('the delivered ledger outlives the deliver job: a call is not sent again once its job is gone', async () => {
    stack = await startStack({ env: reconcileEnv });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    await expectEachDeliveredOnce(stack, [call]);
    const { services, config } = stack.services[0]!;
    const { queues } = services;
    const ledger = createDeliveredLedger(services.workerRedis, services.keys, config.reconcile.horizonMs);
    // Completed deliver jobs are removed after a day; the ledger keeps the fact for the horizon.
    const job = await queues.deliver.getJob(deliverJobId('webhook', call.telephonySessionId));
    await job!.remove();
    expect(await ledger.get('webhook', call.telephonySessionId)).toMatchObject({ outcome: 'delivered' });

    await expectEachDeliveredOnce(stack, [call]); // another full scan: nothing re-sent
    await createDeliveryScheduler(queues, config).schedule({
      ...(deliveredCalls(stack.crm).get(call.telephonySessionId) as unknown as EnrichedCall),
      recoveredBy: 'backfill',
    });
    await eventually(async () => (await queues.deliver.getJobCounts()).completed === 1);
    expect(stack.crm.requests).toHaveLength(1);
  });
});
