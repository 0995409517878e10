import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/config.js';
import { startOwnRedis } from '../helpers/own-redis.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { expectEachDeliveredOnce, reconcileEnv } from './helpers.js';

let stack: Stack | undefined;
let redis: Awaited<ReturnType<typeof startOwnRedis>> | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await redis?.close();
  redis = undefined;
});

describe('reconcile › outages', () => {
  it('Redis stopped and restarted while notifications arrive: they are acknowledged, and every call reaches the CRM once', async () => {
    redis = await startOwnRedis();
    stack = await startStack({ env: { ...reconcileEnv, REDIS_URL: redis.url } });
    const before = await stack.fake.calls.play({ talkMs: 50 });

    await redis.stop();
    const during = await Promise.all(Array.from({ length: 5 }, () => stack!.fake.calls.play({ talkMs: 50 })));
    // RingCentral never redelivers and suspends endpoints that keep failing: answer 200, recover later.
    const refused = stack.fake.deliveryLog.filter((entry) =>
      during.some((call) => call.telephonySessionId === entry.telephonySessionId),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((entry) => entry.status === 200)).toBe(true);
    // Read the counter directly: a scrape would also read Redis-backed gauges, down with Redis.
    const counted = await stack.services[0]!.metrics.webhookRequests.get();
    expect(counted.values.find((v) => v.labels.outcome === 'unrecorded')?.value).toBe(refused.length);

    await redis.start();
    const after = await stack.fake.calls.play({ talkMs: 50 });
    const delivered = await expectEachDeliveredOnce(stack, [before, ...during, after], 45_000);
    for (const call of during)
      expect(delivered.get(call.telephonySessionId)).toMatchObject({ recoveredBy: 'reconcile' });
  });

  it('a suspended subscription: the keeper repairs it, the reconciler recovers the calls it missed', async () => {
    stack = await startStack({ env: { ...reconcileEnv, SUBSCRIPTION_CHECK_INTERVAL_MS: '1000' } });
    const [suspended] = stack.fake.subscriptions.list();
    stack.fake.subscriptions.blacklist(suspended!.id);
    const missed = await Promise.all(Array.from({ length: 4 }, () => stack!.fake.calls.play({ talkMs: 50 })));

    await eventually(async () =>
      stack!.fake.subscriptions.list().some((sub) => sub.id !== suspended!.id && sub.status === 'Active'),
    );
    const after = await stack.fake.calls.play({ talkMs: 50 });
    const delivered = await expectEachDeliveredOnce(stack, [...missed, after]);
    for (const call of missed)
      expect(delivered.get(call.telephonySessionId)).toMatchObject({ recoveredBy: 'reconcile' });
    expect(delivered.get(after.telephonySessionId)?.source).toBe('active-calls');
  });
});
