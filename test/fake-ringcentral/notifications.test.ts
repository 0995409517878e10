import { describe, expect, it } from 'vitest';
import { createFakeRingCentral, unaddressedSubscriptionId } from '../../src/fake-ringcentral/index.js';
import { loggedIn, startFake, startReceiver, subscribe, type Json } from './helpers.js';

const account = '/restapi/v1.0/account/809646016/telephony/sessions';
const extension = (id: string) => `/restapi/v1.0/account/809646016/extension/${id}/telephony/sessions`;

async function subscribed(options = {}, filters?: string[]) {
  const fake = await startFake(options);
  const receiver = await startReceiver();
  const { platform } = await loggedIn(fake);
  const subscription = await subscribe(platform, receiver.url, filters ? { eventFilters: filters } : {});
  const summary = () =>
    receiver.received.map(({ body }: Json) => [
      body.body.sequence,
      body.body.parties[0].id,
      body.body.parties[0].status.code,
    ]);
  return { fake, receiver, subscription, summary };
}

describe('fake RingCentral › notifications', () => {
  it('inbound call via IVR › played › every party event in sequence order, IVR disconnects first', async () => {
    const { fake, receiver, subscription, summary } = await subscribed();
    const c = fake.calls.start({ viaIvr: true, agentName: 'Agent J', recorded: true });
    await c.answer();
    await c.hold();
    await c.unhold();
    await c.hangUp();
    const { pstn, ivr, agent } = c.partyIds;
    expect(summary()).toEqual([
      [2, pstn, 'Setup'],
      [3, ivr, 'Setup'],
      [4, pstn, 'Answered'],
      [5, ivr, 'Disconnected'],
      [6, agent, 'Setup'],
      [7, agent, 'Proceeding'],
      [8, agent, 'Answered'],
      [9, agent, 'Hold'],
      [10, agent, 'Answered'],
      [11, agent, 'Disconnected'],
      [12, pstn, 'Disconnected'],
    ]);
    const hex = c.telephonySessionId.slice(2);
    expect(c.telephonySessionId).toMatch(/^s-[0-9a-f]{32}$/);
    expect(pstn).toBe(`p-${hex}-1`);
    for (const { headers, body } of receiver.received) {
      expect(headers['verification-token']).toBe('secret-token');
      expect(headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(headers['user-agent']).toBe('RingCentral-Webhook/8.3');
      expect(body).toMatchObject({ subscriptionId: subscription.id, ownerId: '809646016' });
      expect(body.uuid).toMatch(/^\d{19}$/);
      expect(body.body).toMatchObject({
        sessionId: c.sessionId,
        telephonySessionId: c.telephonySessionId,
        origin: { type: 'Call' },
      });
      expect(body.body.parties).toHaveLength(1);
      const party = body.body.parties[0];
      expect(body.event).toBe(party.extensionId ? extension(party.extensionId) : account);
    }
    const answered = receiver.received[7]?.body.body.parties[0];
    expect(answered).toMatchObject({
      to: { name: 'Agent J' },
      recordings: [{ id: c.recordingId, active: true }],
    });
    expect(fake.stats()).toMatchObject({ notificationsSent: 11, notificationFailures: 0 });
    expect(c.notifications).toHaveLength(11);
  });

  it('outbound and missed calls › played › stream (E) order; a missed call flags missedCall', async () => {
    const { fake, summary } = await subscribed();
    const out = await fake.calls.play({ direction: 'Outbound' });
    const a = out.partyIds;
    expect(summary()).toEqual([
      [2, a.agent, 'Setup'],
      [3, a.pstn, 'Proceeding'],
      [4, a.agent, 'Proceeding'],
      [5, a.pstn, 'Answered'],
      [6, a.agent, 'Answered'],
      [7, a.agent, 'Disconnected'],
      [8, a.pstn, 'Disconnected'],
    ]);
    const missed = await fake.calls.play({ answered: false });
    const disconnected = missed.notifications.find(
      (n) =>
        n.body.parties[0].id === missed.partyIds.agent && n.body.parties[0].status.code === 'Disconnected',
    );
    expect(disconnected?.body.parties[0].missedCall).toBe(true);
  });

  it('extension-level subscription › inbound call › gets only that extension’s parties', async () => {
    const { fake, receiver } = await subscribed({}, [
      '/restapi/v1.0/account/~/extension/~/telephony/sessions',
    ]);
    await fake.calls.play({ viaIvr: true });
    await fake.calls.play({ extensionId: '999' });
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(
      receiver.received.every(({ body }: Json) => body.body.parties[0].extensionId === '809646016'),
    ).toBe(true);
  });

  it('delivery off › generated, not posted › tests post them in any order, duplicates included', async () => {
    const { fake, receiver, subscription } = await subscribed({ deliverNotifications: false });
    const c = fake.calls.start();
    await c.answer();
    const ended = await c.hangUp();
    expect(receiver.received).toEqual([]);
    expect(ended.map((n) => n.body.parties[0].status.code)).toEqual(['Disconnected', 'Disconnected']);
    expect(ended[0]?.subscriptionId).toBe(subscription.id);
    const [agentGone, callerGone] = ended as [Json, Json];
    const entries = await fake.notifications.deliver([callerGone, agentGone, agentGone]);
    expect(entries.map((e) => e.ok)).toEqual([true, true, true]);
    expect(receiver.received.map(({ body }: Json) => body.body.sequence)).toEqual([
      callerGone.body.sequence,
      agentGone.body.sequence,
      agentGone.body.sequence,
    ]);
  });

  it('escape hatch › emit and notify:false › custom codes, reused sequences, lost events leave a gap', async () => {
    const { fake, summary } = await subscribed();
    const c = fake.calls.start();
    await c.answer({ notify: false });
    await c.emit({ party: 'agent', code: 'Answered', sequence: 3 });
    await c.emit({ party: 'agent', code: 'VoiceMail', reason: 'Voicemail' });
    await c.hangUp();
    const { pstn, agent } = c.partyIds;
    // start: 2; the lost ring+answer used 3..6; emit(VoiceMail) 7; hang-up 8, 9.
    expect(summary()).toEqual([
      [2, pstn, 'Setup'],
      [3, agent, 'Answered'],
      [7, agent, 'VoiceMail'],
      [8, agent, 'Disconnected'],
      [9, pstn, 'Disconnected'],
    ]);
  });

  it('no subscription › call played › envelopes are kept, addressed to the placeholder id', async () => {
    const fake = await startFake();
    const c = await fake.calls.play();
    expect(c.notifications.length).toBeGreaterThan(0);
    expect(c.notifications.every((n) => n.subscriptionId === unaddressedSubscriptionId)).toBe(true);
    expect(fake.deliveryLog).toEqual([]);
  });

  it('failing receiver › 500 answers › deliveries counted as failures', async () => {
    const fake = await startFake();
    const receiver = await startReceiver({ notificationStatus: 500 });
    const { platform } = await loggedIn(fake);
    await subscribe(platform, receiver.url);
    await fake.calls.play(); // Setup; ring (2) + answer (2); hang-up (2)
    expect(fake.stats()).toMatchObject({ notificationsSent: 7, notificationFailures: 7 });
    expect(fake.deliveryLog[0]).toMatchObject({ ok: false, status: 500, kind: 'notification' });
  });

  it('seed › same seed and script › same ids, delays and uuids', async () => {
    const run = async () => {
      const fake = createFakeRingCentral({ seed: 42, now: () => 1_700_000_000_000 });
      const c = fake.calls.start({ recorded: true });
      await c.answer();
      await c.hangUp();
      await fake.close();
      return [
        c.telephonySessionId,
        c.sessionId,
        c.recordId,
        c.recordingId,
        c.activeCallsVisibleAt,
        c.callLogVisibleAt,
        c.notifications.map((n) => n.uuid),
      ];
    };
    expect(await run()).toEqual(await run());
  });

  it('notificationLoss › a seeded share of notifications is never sent, and the calls still reach the Call Log', async () => {
    const { fake, receiver } = await subscribed({
      notificationLoss: 0.5,
      seed: 11,
      callLogVisibilityMs: [0, 0],
    });
    for (let n = 0; n < 10; n++) await fake.calls.play();
    const generated = fake.calls.list().reduce((sum, c) => sum + c.notifications.length, 0);
    const { notificationsDropped, notificationsSent } = fake.stats();
    expect(notificationsDropped).toBeGreaterThan(generated * 0.3);
    expect(notificationsDropped).toBeLessThan(generated * 0.7);
    expect(notificationsSent + notificationsDropped).toBe(generated);
    expect(receiver.received).toHaveLength(notificationsSent);
    const { platform } = await loggedIn(fake);
    const log = (await (await platform.get('/restapi/v1.0/account/~/call-log')).json()) as Json;
    expect(log.records).toHaveLength(10);
    await fake.close();
    await receiver.close();
  });
});
