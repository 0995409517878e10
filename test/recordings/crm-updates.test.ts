import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotAdapter } from '../../src/adapters/hubspot/index.js';
import { createSalesforceAdapter } from '../../src/adapters/salesforce/index.js';
import type { EnrichedCall } from '../../src/calls/types.js';
import { RetryableDeliveryError } from '../../src/errors.js';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/hubspot.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforce.js';
import { inboundCall } from '../fixtures/calls.js';
import { deliveryContext, redisScope, rejection, silentLogger } from '../adapters/support.js';

const link =
  'https://calls.acme.example/recordings/809646016/2503648004.mp3?expires=1900000000&signature=s1g';

/** The call as first delivered (recording still processing), and as it is once RingCentral has it. */
function lateRecording(): { delivered: EnrichedCall; late: EnrichedCall } {
  const delivered = inboundCall({ recording: undefined });
  const withRecording = inboundCall();
  const late: EnrichedCall = {
    ...delivered,
    records: withRecording.records.map((record) => ({ ...record, id: delivered.records[0]!.id })),
    recordings: [{ id: '2503648004', url: link, expiresAt: '2030-03-17T17:46:40.000Z' }],
  };
  return { delivered, late };
}

let scope: Awaited<ReturnType<typeof redisScope>>;
beforeEach(async () => {
  scope = await redisScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe('late recording › HubSpot', () => {
  let hubspot: FakeHubSpot;
  const token = 'pat-na1-0a1b2c3d-4e5f-6789-abcd-ef0123456789';
  afterEach(async () => hubspot.close());

  it('sets the call recording URL on the engagement and leaves the title and notes a rep edited', async () => {
    hubspot = await startFakeHubSpot({ token });
    const adapter = createHubSpotAdapter({
      env: { HUBSPOT_ACCESS_TOKEN: token, HUBSPOT_BASE_URL: hubspot.url },
      logger: silentLogger,
      redis: scope.redis,
      keyPrefix: scope.keyPrefix,
    });
    const { delivered, late } = lateRecording();
    const ctx = deliveryContext();
    const { crmId } = (await adapter.deliver(delivered, ctx)) ?? {};
    const engagement = hubspot.calls.get(crmId!)!;
    expect(engagement.properties.hs_call_recording_url).toBeUndefined();
    engagement.properties.hs_call_title = 'Quote request: call back Friday';
    engagement.properties.hs_call_body = 'Wants 40 seats. Send pricing.';

    await adapter.update!(late, { ...ctx, changes: ['recording'], updateKey: `${ctx.idempotencyKey}_u` });

    expect(hubspot.calls.size).toBe(1);
    expect(engagement.properties).toMatchObject({
      hs_call_recording_url: link,
      hs_call_title: 'Quote request: call back Friday',
      hs_call_body: 'Wants 40 seats. Send pricing.',
    });
    const patch = hubspot.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(Object.keys((patch.json as { properties: object }).properties)).toEqual(['hs_call_recording_url']);
  });
});

describe('late recording › Salesforce', () => {
  let salesforce: FakeSalesforce;
  const token = '00Dfake!static-session';
  afterEach(async () => salesforce.close());
  const adapter = () =>
    createSalesforceAdapter({
      env: { SALESFORCE_ACCESS_TOKEN: token, SALESFORCE_INSTANCE_URL: salesforce.url },
      logger: silentLogger,
      redis: scope.redis,
      keyPrefix: scope.keyPrefix,
    });

  it('appends the link to the Task description, keeping what the rep typed there and the subject', async () => {
    salesforce = await startFakeSalesforce({ staticToken: token });
    const { delivered, late } = lateRecording();
    const ctx = deliveryContext();
    const { crmId } = (await adapter().deliver(delivered, ctx)) ?? {};
    const task = salesforce.tasks.get(crmId!)!;
    expect(String(task.fields.Description)).not.toContain('Recording:');
    task.fields.Subject = 'Follow up: pricing';
    task.fields.Description = 'Customer wants a quote for 40 seats.';
    task.LastModifiedDate = new Date(Date.now() - 5_000).toISOString();

    const update = { ...ctx, changes: ['recording' as const], updateKey: `${ctx.idempotencyKey}_u` };
    await adapter().update!(late, update);
    await adapter().update!(late, { ...update, attempt: 2 });

    expect(salesforce.tasks.size).toBe(1);
    expect(task.fields.Subject).toBe('Follow up: pricing');
    expect(task.fields.Description).toBe(`Customer wants a quote for 40 seats.\nRecording: ${link}`);
  });

  it('a rep saving the Task while the link is added › 412 › retried, never written over', async () => {
    salesforce = await startFakeSalesforce({ staticToken: token });
    const { delivered, late } = lateRecording();
    const ctx = deliveryContext();
    const { crmId } = (await adapter().deliver(delivered, ctx)) ?? {};
    salesforce.failNext({
      status: 412,
      body: [{ errorCode: 'PRECONDITION_FAILED', message: 'The requested resource has been modified' }],
      match: /^PATCH /,
    });
    const update = { ...ctx, changes: ['recording' as const], updateKey: `${ctx.idempotencyKey}_u` };
    const err = await rejection(adapter().update!(late, update));
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(String(salesforce.tasks.get(crmId!)!.fields.Description)).not.toContain('Recording:');
    const patch = salesforce.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(patch.headers['if-unmodified-since']).toMatch(/GMT$/);
  });
});
