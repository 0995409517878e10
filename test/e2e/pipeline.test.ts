import { afterEach, describe, expect, it } from 'vitest';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/config.js';
import { untilIdle } from '../helpers/queues.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('pipeline › end to end', () => {
  it('a call through an IVR, where the IVR leaves first, is delivered once with its Active Calls record', async () => {
    stack = await startStack();
    const call = await stack.fake.calls.play({ viaIvr: true, recorded: true, ringMs: 50, talkMs: 100 });
    const calls = await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId));
    expect(calls.source).toBe('active-calls');
    const [record] = calls.records as Array<{ id: string; recording?: { contentUri: string } }>;
    expect(record?.id).toBe(call.recordId);
    expect(record?.recording?.contentUri).toContain('/recording/');
    // Once no job is left to run, nothing was sent twice and nothing more will be.
    const { queues } = stack.services[0]!.services;
    await untilIdle([queues.enrich, queues.deliver]);
    expect(await queues.deliver.getCompletedCount()).toBe(1);
    expect(stack.crm.records.size).toBe(1);
    expect(stack.crm.requests).toHaveLength(1);
  });

  it('a call missing from Active Calls is found in the Call Log', async () => {
    stack = await startStack();
    const call = await stack.fake.calls.play({ missingFromActiveCalls: true, talkMs: 50 });
    const delivered = await eventually(
      async () => deliveredCalls(stack!.crm).get(call.telephonySessionId),
      15_000,
    );
    expect(delivered.source).toBe('call-log');
    expect((delivered.records[0] as { id: string }).id).toBe(call.recordId);
  });

  // The windows' timing is table-tested in test/enrich/plan.test.ts; here only the wiring, with short windows.
  const shortWindows = { ENRICH_ACTIVE_WINDOW_MS: '600', ENRICH_CALL_LOG_WINDOW_MS: '1200' };

  it('a call found nowhere is delivered with what the notifications said (source "event")', async () => {
    stack = await startStack({ env: shortWindows });
    const call = await stack.fake.calls.play({
      missingFromActiveCalls: true,
      missingFromCallLog: true,
      talkMs: 50,
    });
    const delivered = await eventually(
      async () => deliveredCalls(stack!.crm).get(call.telephonySessionId),
      10_000,
    );
    expect(delivered.source).toBe('event');
    expect(stack.fake.requestLog.some((entry) => entry.path.endsWith('/call-log'))).toBe(true);
    expect(delivered.records).toEqual([]);
    expect((delivered as unknown as { parties: unknown[] }).parties.length).toBeGreaterThanOrEqual(2);
  });

  it('with ENRICH_NOT_FOUND=dead-letter, a call found nowhere becomes a dead letter with a clear reason', async () => {
    stack = await startStack({ env: { ...shortWindows, ENRICH_NOT_FOUND: 'dead-letter' } });
    const call = await stack.fake.calls.play({
      missingFromActiveCalls: true,
      missingFromCallLog: true,
      talkMs: 50,
    });
    const queue = stack.services[0]!.services.queues.enrich;
    const [failed] = await eventually(async () => {
      const jobs = await queue.getFailed();
      return jobs.length > 0 ? jobs : undefined;
    }, 10_000);
    expect(failed?.data.telephonySessionId).toBe(call.telephonySessionId);
    expect(failed?.failedReason).toMatch(/found neither in Active Calls nor in the Call Log/);
    expect(stack.crm.requests).toHaveLength(0);
  });

  it('a burst of 40 calls is enriched without a single 429, one listing serving many calls', async () => {
    stack = await startStack();
    const calls = await Promise.all(
      Array.from({ length: 40 }, (_, n) => stack!.fake.calls.play({ ringMs: n * 10, talkMs: 50 + n * 5 })),
    );
    await eventually(async () => stack!.crm.records.size === 40 || undefined, 20_000);
    const delivered = deliveredCalls(stack.crm);
    expect(calls.every((call) => delivered.get(call.telephonySessionId)?.source === 'active-calls')).toBe(
      true,
    );
    const stats = stack.fake.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byGroup.Heavy).toBeLessThan(20);
  });

  it('a burst with calls Active Calls never lists: those come from the Call Log long before the Active Calls window closes', async () => {
    // A 20 s Active Calls window: waiting it out would take far longer than this test allows.
    stack = await startStack({
      fake: { rateLimits: { Heavy: { limit: 50, windowMs: 60_000, penaltyMs: 60_000 } } },
      env: { ENRICH_ACTIVE_WINDOW_MS: '20000', RC_HEAVY_LIMIT: '50' },
    });
    const calls = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        stack!.fake.calls.play({ ringMs: n * 10, talkMs: 50 + n * 5, missingFromActiveCalls: n % 7 === 3 }),
      ),
    );
    const lastEnd = Math.max(...calls.map((call) => call.endedAt ?? 0));
    await eventually(async () => stack!.crm.records.size === 20 || undefined, 8_000);
    expect(Date.now() - lastEnd).toBeLessThan(10_000);
    const delivered = deliveredCalls(stack.crm);
    const missing = calls.filter((_, n) => n % 7 === 3);
    expect(missing.map((call) => delivered.get(call.telephonySessionId)?.source)).toEqual([
      'call-log',
      'call-log',
      'call-log',
    ]);
    // One Call Log query served them all, or close to it: coalesced, not one per call.
    const callLogQueries = stack.fake.requestLog.filter((entry) => entry.path.endsWith('/call-log'));
    expect(callLogQueries.length).toBeGreaterThan(0);
    expect(callLogQueries.length).toBeLessThanOrEqual(3);
    expect(stack.fake.stats().rateLimited).toBe(0);
  });

  it('a CRM outage ends in exactly one delivery, with the same webhook-id on every attempt', async () => {
    stack = await startStack();
    stack.crm.failNext({ status: 503, body: { error: 'down for maintenance' } }, 3);
    const call = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId), 15_000);
    expect(stack.crm.requests).toHaveLength(4);
    expect(new Set(stack.crm.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(stack.crm.records.size).toBe(1);
    const story = await stack.services[0]!.services.story.list(call.telephonySessionId);
    expect(story.filter((entry) => entry.step === 'delivery').map((entry) => entry.outcome)).toEqual([
      'retry',
      'retry',
      'retry',
      'delivered',
    ]);
  });

  it('redelivered notifications produce one lookup and one delivery', async () => {
    stack = await startStack({ fake: { deliverNotifications: false } });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    const post = (body: unknown) =>
      fetch(stack!.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
        body: JSON.stringify(body),
      });
    // Every notification twice, the second round in reverse order.
    for (const notification of call.notifications) expect((await post(notification)).status).toBe(200);
    for (const notification of [...call.notifications].reverse())
      expect((await post(notification)).status).toBe(200);
    await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId));
    const { queues } = stack.services[0]!.services;
    await untilIdle([queues.enrich, queues.deliver]);
    expect(await queues.enrich.getCompletedCount()).toBe(1);
    expect(stack.crm.requests).toHaveLength(1);
  });
});

describe('pipeline › RingCentral session and token', () => {
  it('two service processes share one login, and the token only ever goes to the RingCentral host', async () => {
    stack = await startStack();
    await stack.startAnother({ ROLE: 'worker' });
    const calls = await Promise.all(Array.from({ length: 5 }, () => stack!.fake.calls.play({ talkMs: 50 })));
    await eventually(async () => stack!.crm.records.size === calls.length || undefined, 15_000);
    const logins = stack.fake.requestLog.filter((entry) => entry.path === '/restapi/oauth/token');
    expect(logins).toHaveLength(1);
    const fakeHost = new URL(stack.fake.url).host;
    expect(stack.fake.requestLog.every((entry) => entry.host === fakeHost)).toBe(true);
    expect(stack.crm.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
  });

  it('after RingCentral revokes the token, the next lookup logs in again and goes on', async () => {
    stack = await startStack();
    const first = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(first.telephonySessionId));
    stack.fake.auth.revokeAll();
    const second = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(second.telephonySessionId), 10_000);
    expect(stack.fake.requestLog.filter((entry) => entry.path === '/restapi/oauth/token')).toHaveLength(2);
  });

  it('a 429 pauses every Heavy request for Retry-After, then enrichment resumes', async () => {
    stack = await startStack({ env: { ENRICH_POLL_INTERVAL_MS: '50' } });
    // RingCentral refuses the first Active Calls request (someone else spent the budget) for 1 s.
    stack.fake.faults.failNext({ path: /active-calls$/, status: 429, headers: { 'Retry-After': '1' } });
    const calls = await Promise.all(
      Array.from({ length: 4 }, (_, n) => stack!.fake.calls.play({ talkMs: 30 + n * 100 })),
    );
    await eventually(async () => stack!.crm.records.size === calls.length || undefined, 15_000);
    const heavy = stack.fake.requestLog.filter((entry) => entry.group === 'Heavy');
    const refused = heavy.filter((entry) => entry.status === 429);
    expect(refused).toHaveLength(1);
    const during = heavy.filter(
      (entry) => entry.time > refused[0]!.time && entry.time < refused[0]!.time + 950,
    );
    expect(during, 'Heavy requests sent during the penalty').toEqual([]);
    expect(heavy.some((entry) => entry.time >= refused[0]!.time + 950 && entry.status === 200)).toBe(true);
  });

  it('learns a lower limit from X-Rate-Limit headers and stays under it', async () => {
    stack = await startStack({
      fake: { rateLimits: { Heavy: { limit: 3, windowMs: 1_500, penaltyMs: 1_500 } } },
      env: { RC_HEAVY_LIMIT: '50', RC_HEAVY_WINDOW_MS: '1500', ENRICH_POLL_INTERVAL_MS: '50' },
    });
    const calls = await Promise.all(
      Array.from({ length: 6 }, (_, n) => stack!.fake.calls.play({ talkMs: 30 + n * 120 })),
    );
    await eventually(async () => stack!.crm.records.size === calls.length || undefined, 15_000);
    expect(stack.fake.stats().rateLimited).toBe(0);
  });
});
