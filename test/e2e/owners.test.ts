import { afterEach, describe, expect, it } from 'vitest';
import { ivrDefaults } from '../../src/fake-ringcentral/calls/state.js';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/hubspot.js';
import { eventually } from '../helpers/config.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The whole pipeline into HubSpot: the simulator plays calls through an IVR, a queue, a transfer and
 * voicemail; the service finds their records (Active Calls, or the Call Log's Detailed legs), reads the
 * agents' contact emails from RingCentral's extension info, and writes one engagement per call with the
 * outcome the caller lived and the right owner.
 */
const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
const queue = { extensionId: '7002', name: 'Sales Queue' };
const alex = { extensionId: '62', name: 'Alex Agent' };
const sam = { extensionId: '63', name: 'Sam Support' };
const extensions = [
  { id: ivrDefaults.extensionId, type: 'IvrMenu', name: ivrDefaults.name },
  { id: queue.extensionId, type: 'Department', name: queue.name },
  { id: alex.extensionId, type: 'User', name: alex.name, extensionNumber: '101', email: 'alex@acme.example' },
  { id: sam.extensionId, type: 'User', name: sam.name, extensionNumber: '102', email: 'sam@acme.example' },
];

describe('e2e › CRM records a sales rep would accept', () => {
  let stack: Stack | undefined;
  let hubspot: FakeHubSpot | undefined;
  afterEach(async () => {
    await stack?.close();
    await hubspot?.close();
  });

  it('queue, IVR abandon, voicemail and transfer: one engagement each, right outcome, right owner', async () => {
    hubspot = await startFakeHubSpot({ token });
    const owners = {
      alex: hubspot.addOwner({ email: 'alex@acme.example' }),
      sam: hubspot.addOwner({ email: 'sam@acme.example' }),
      desk: hubspot.addOwner({ email: 'desk@acme.example' }),
    };
    stack = await startStack({
      fake: { extensions },
      env: {
        CRM_ADAPTER: 'hubspot',
        HUBSPOT_ACCESS_TOKEN: token,
        HUBSPOT_BASE_URL: hubspot.url,
        HUBSPOT_FALLBACK_OWNER_ID: owners.desk,
      },
    });
    const { calls } = stack.fake;
    // Only in the Call Log: its Detailed view carries the legs (who rang, who transferred).
    const queued = calls.start({
      viaIvr: true,
      queue,
      missedBy: [alex],
      extensionId: sam.extensionId,
      agentName: sam.name,
      missingFromActiveCalls: true,
    });
    await queued.answer();
    await queued.hangUp();
    const abandoned = calls.start({ viaIvr: true });
    await abandoned.abandon();
    const voicemail = calls.start({ extensionId: alex.extensionId, agentName: alex.name, voicemail: true });
    await voicemail.hangUp();
    const transferred = calls.start({
      extensionId: alex.extensionId,
      agentName: alex.name,
      transferTo: sam,
      missingFromActiveCalls: true,
    });
    await transferred.answer();
    await transferred.hangUp();

    const written = await eventually(
      async () => (hubspot!.calls.size >= 4 ? [...hubspot!.calls.values()] : undefined),
      20_000,
    );
    const bySession = (sessionId: string) => {
      const found = written.filter((c) =>
        c.properties.hs_call_body?.includes(`RingCentral session: ${sessionId}`),
      );
      expect(found, sessionId).toHaveLength(1);
      return found[0]!.properties;
    };
    expect(bySession(queued.sessionId)).toMatchObject({
      hs_call_status: 'COMPLETED',
      hubspot_owner_id: owners.sam,
    });
    expect(bySession(queued.sessionId).hs_call_body).toContain('Rang Alex Agent: not answered');
    expect(bySession(abandoned.sessionId)).toMatchObject({
      hs_call_status: 'CANCELED',
      hubspot_owner_id: owners.desk,
    });
    expect(bySession(voicemail.sessionId)).toMatchObject({
      hs_call_status: 'NO_ANSWER',
      hubspot_owner_id: owners.alex,
    });
    expect(bySession(transferred.sessionId)).toMatchObject({
      hs_call_status: 'COMPLETED',
      hubspot_owner_id: owners.sam,
    });
    expect(bySession(transferred.sessionId).hs_call_body).toContain(
      'Transferred by Alex Agent to Sam Support',
    );
    expect(hubspot.calls.size).toBe(4);
  });
});
