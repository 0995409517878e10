import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const forged = (accountId: string) =>
  telephonyNotification({
    telephonySessionId: newTelephonySessionId(),
    sequence: 2,
    party: { id: 'p-1', status: 'Disconnected' },
    accountId,
  });

const post = (body: unknown) =>
  fetch(stack!.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
    body: JSON.stringify(body),
  });

describe('one account › only the credentials’ account is looked up', () => {
  it('once the account is known, notifications of other accounts are acknowledged, counted and dropped', async () => {
    stack = await startStack();
    const real = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(real.telephonySessionId));

    const invented = Array.from({ length: 5 }, (_, i) => forged(`99000${i}`));
    for (const notification of invented) {
      const response = await post(notification);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'other-account' });
    }
    const { services, app } = stack.services[0]!;
    for (const notification of invented)
      expect(await services.callState.get(notification.body.telephonySessionId)).toBeNull();
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rc_enrich_webhook_requests_total{outcome="other-account"} 5');
  });

  it('a call taken before the account was known is dropped by the worker: no lookup of that account, no delivery', async () => {
    stack = await startStack();
    const notification = forged('990001');
    expect((await post(notification)).status).toBe(200);
    const tsid = notification.body.telephonySessionId;
    const story = stack.services[0]!.services.story;
    await eventually(async () =>
      (await story.list(tsid)).find((entry) => entry.step === 'ignored' && entry.reason === 'other-account'),
    );
    expect(stack.fake.requestLog.filter((request) => request.path.includes('990001'))).toEqual([]);
    expect(deliveredCalls(stack.crm).has(tsid)).toBe(false);
  });
});
