import { describe, expect, it } from 'vitest';
import { ivrDefaults } from '../../src/fake-ringcentral/calls/state.js';
import { sdkFailure, startCallLogFake, type Json } from './helpers.js';

const queue = { extensionId: '7002', name: 'Sales Queue' };
const alex = { extensionId: '62', name: 'Alex Agent' };
const sam = { extensionId: '63', name: 'Sam Support' };

async function setup() {
  const { clock, fake, platform } = await startCallLogFake({
    extensions: [
      { id: alex.extensionId, name: alex.name, extensionNumber: '101', email: 'alex@acme.example' },
      { id: queue.extensionId, type: 'Department', name: queue.name, extensionNumber: '2000' },
    ],
    timeZone: 'America/Los_Angeles',
  });
  const detailed = async (telephonySessionId: string) => {
    clock.advance(4_000);
    const response = await platform.get('/restapi/v1.0/account/~/call-log', {
      view: 'Detailed',
      telephonySessionId,
    });
    return ((await response.json()) as Json).records[0];
  };
  return { fake, platform, detailed };
}

describe('fake RingCentral › calls with several legs (Call Log, Detailed view)', () => {
  it('IVR → queue → a member misses it → the agent answers and transfers: one leg each, in order', async () => {
    const { fake, detailed } = await setup();
    const c = fake.calls.start({
      viaIvr: true,
      queue,
      missedBy: [alex],
      extensionId: sam.extensionId,
      agentName: sam.name,
      transferTo: alex,
    });
    await c.answer();
    await c.hangUp();
    const record = await detailed(c.telephonySessionId);
    expect(record).toMatchObject({ result: 'Call connected', extension: { id: 63 } });
    const legs = [...(record.legs as Json[])].sort((a, b) => a.startTime.localeCompare(b.startTime));
    expect(legs.map((leg) => [leg.to?.name, leg.result, leg.legType, leg.master])).toEqual([
      [ivrDefaults.name, 'Accepted', 'PstnToSip', false],
      [queue.name, 'Accepted', 'PstnToSip', false],
      [alex.name, 'Missed', 'Accept', false],
      [sam.name, 'Call connected', 'PstnToSip', true],
      [alex.name, 'Call connected', 'TransferCall', false],
    ]);
    expect(legs[4]).toMatchObject({
      action: 'Transfer',
      direction: 'Outbound',
      from: { extensionId: sam.extensionId },
    });
  });

  it('abandon() in the IVR › one record from the IVR, never in Active Calls', async () => {
    const { fake, platform, detailed } = await setup();
    const c = fake.calls.start({ viaIvr: true });
    await c.abandon();
    const record = await detailed(c.telephonySessionId);
    expect(record).toMatchObject({ result: 'Accepted', extension: { id: Number(ivrDefaults.extensionId) } });
    expect(record.legs).toHaveLength(1);
    const active = (await (await platform.get('/restapi/v1.0/account/~/active-calls')).json()) as Json;
    expect(active.records).toEqual([]);
    expect(c.notifications.map((n) => n.body.parties[0].status.code)).toEqual([
      'Setup',
      'Setup',
      'Answered',
      'Disconnected',
      'Disconnected',
    ]);
  });

  it('voicemail › result Voicemail, the message linked, the agent party in VoiceMail', async () => {
    const { fake, detailed } = await setup();
    const c = fake.calls.start({ extensionId: alex.extensionId, agentName: alex.name, voicemail: true });
    await c.hangUp();
    const record = await detailed(c.telephonySessionId);
    expect(record).toMatchObject({ result: 'Voicemail', message: { type: 'VoiceMail' } });
    expect(c.notifications.some((n) => n.body.parties[0].status.code === 'VoiceMail')).toBe(true);
  });
});

describe('fake RingCentral › extension and account info', () => {
  it('an extension: type, name, number and contact email; an unknown one is 404 CMN-102', async () => {
    const { platform } = await setup();
    const info = (await (await platform.get('/restapi/v1.0/account/~/extension/62')).json()) as Json;
    expect(info).toMatchObject({
      id: 62,
      type: 'User',
      name: alex.name,
      extensionNumber: '101',
      contact: { email: 'alex@acme.example', firstName: 'Alex', lastName: 'Agent' },
    });
    const queueInfo = (await (await platform.get('/restapi/v1.0/account/~/extension/7002')).json()) as Json;
    expect(queueInfo.type).toBe('Department');
    const failure = await sdkFailure(platform.get('/restapi/v1.0/account/~/extension/999'));
    expect(failure.status).toBe(404);
    expect(failure.body.errors[0].errorCode).toBe('CMN-102');
  });

  it('the account: regionalSettings.timezone', async () => {
    const { platform } = await setup();
    const account = (await (await platform.get('/restapi/v1.0/account/~')).json()) as Json;
    expect(account.regionalSettings.timezone.name).toBe('America/Los_Angeles');
  });
});
