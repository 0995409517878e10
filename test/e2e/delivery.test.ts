import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('delivery › filters and timeouts', () => {
  it('CRM_FILTER_DIRECTION=inbound keeps outbound calls out of the CRM, and says why in the story', async () => {
    stack = await startStack({ env: { CRM_FILTER_DIRECTION: 'inbound' } });
    const inbound = await stack.fake.calls.play({ direction: 'Inbound', talkMs: 50 });
    const outbound = await stack.fake.calls.play({ direction: 'Outbound', talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(inbound.telephonySessionId));
    const story = stack.services[0]!.services.story;
    const skipped = await eventually(async () =>
      (await story.list(outbound.telephonySessionId)).find((entry) => entry.outcome === 'skipped'),
    );
    expect(String(skipped.reason)).toMatch(/outbound|direction/i);
    expect(deliveredCalls(stack.crm).has(outbound.telephonySessionId)).toBe(false);
  });

  it('a CRM that never answers is cut off at DELIVERY_TIMEOUT_MS and the call retried, not stuck', async () => {
    stack = await startStack({ env: { DELIVERY_TIMEOUT_MS: '300', CRM_REQUEST_TIMEOUT_MS: '60000' } });
    const held = stack.crm.hang(/POST/);
    const call = await stack.fake.calls.play({ talkMs: 50 });
    const story = stack.services[0]!.services.story;
    await eventually(
      async () =>
        (await story.list(call.telephonySessionId)).some((entry) => entry.outcome === 'retry') || undefined,
    );
    held.release();
    await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId), 10_000);
    const attempts = (await story.list(call.telephonySessionId)).filter((entry) => entry.step === 'delivery');
    expect(String(attempts[0]?.error)).toMatch(/DELIVERY_TIMEOUT_MS|abort/i);
  });
});
