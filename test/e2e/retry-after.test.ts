import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('Retry-After › capped', () => {
  it('a CRM asking for 41 days is retried at DELIVERY_MAX_RETRY_AFTER_MS, and the cap is counted', async () => {
    stack = await startStack({ env: { DELIVERY_MAX_RETRY_AFTER_MS: '500' } });
    stack.crm.failNext({ status: 429, headers: { 'retry-after': String(41 * 24 * 3600) }, body: {} });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId), 10_000);
    const metrics = (await stack.services[0]!.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rc_enrich_retry_after_capped_total{target="crm"} 1');
  });

  it('a RingCentral 429 asking for a day pauses lookups only RC_MAX_RETRY_AFTER_MS: the call is still found in Active Calls', async () => {
    stack = await startStack({ env: { RC_MAX_RETRY_AFTER_MS: '500' } });
    stack.fake.faults.failNext({ path: /\/active-calls$/, status: 429, headers: { 'retry-after': '86400' } });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    const delivered = await eventually(
      async () => deliveredCalls(stack!.crm).get(call.telephonySessionId),
      10_000,
    );
    expect(delivered.source).toBe('active-calls');
    const metrics = (await stack.services[0]!.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rc_enrich_retry_after_capped_total{target="ringcentral"} 1');
  });
});
