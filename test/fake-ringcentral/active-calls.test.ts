import { describe, expect, it } from 'vitest';
import { call, loggedIn, manualClock, startFake, type Json } from './helpers.js';

const timings = {
  activeCallsVisibilityMs: [1_000, 2_000] as [number, number],
  activeCallsRetentionMs: 10_000,
};

async function setup(options = {}) {
  const clock = manualClock();
  const fake = await startFake({ now: clock.now, ...timings, rateLimits: { Heavy: bigHeavy }, ...options });
  const { token } = await loggedIn(fake);
  const list = async (path = '/restapi/v1.0/account/~/active-calls') => {
    const res = await call(fake, path, token);
    expect(res.status).toBe(200);
    return res.body.records as Json[];
  };
  return { clock, fake, list };
}
const bigHeavy = { limit: 1000, windowMs: 60_000, penaltyMs: 60_000 };

describe('fake RingCentral › Active Calls', () => {
  it('in progress › answered call › listed as In Progress; ringing call not listed', async () => {
    const { fake, list } = await setup();
    const ringing = fake.calls.start();
    await ringing.ring();
    const talking = fake.calls.start({ agentName: 'Agent J' });
    await talking.answer();
    const records = await list();
    expect(records.map((r) => r.telephonySessionId)).toEqual([talking.telephonySessionId]);
    expect(records[0]).toMatchObject({ result: 'In Progress', sessionId: talking.sessionId, type: 'Voice' });
  });

  it('visibility › ended call › invisible before the delay, finished between delay and retention, gone after', async () => {
    const { clock, fake, list } = await setup();
    const c = fake.calls.start({ recorded: true, agentName: 'Agent J' });
    await c.answer();
    clock.advance(5_000);
    await c.hangUp();
    const visibleAt = c.activeCallsVisibleAt ?? 0;
    expect(visibleAt - (c.endedAt ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(visibleAt - (c.endedAt ?? 0)).toBeLessThanOrEqual(2_000);
    expect(c.activeCallsGoneAt).toBe((c.endedAt ?? 0) + 10_000);

    clock.set(visibleAt - 1);
    expect(await list()).toEqual([]);
    clock.set(visibleAt);
    const [record] = await list();
    expect(record).toMatchObject({
      id: c.recordId,
      uri: expect.stringMatching(new RegExp(`^${fake.url}/restapi/v1.0/account/809646016/extension/`)),
      sessionId: c.sessionId,
      telephonySessionId: c.telephonySessionId,
      partyId: c.partyIds.agent,
      direction: 'Inbound',
      action: 'Phone Call',
      result: 'Call connected',
      duration: 5,
      durationMs: 5_000,
      transport: 'PSTN',
      to: { name: 'Agent J', extensionId: '809646016' },
      extension: { id: 809646016 },
      recording: {
        id: c.recordingId,
        type: 'Automatic',
        contentUri: `${fake.url}/restapi/v1.0/account/809646016/recording/${c.recordingId}/content`,
      },
    });
    clock.set(c.activeCallsGoneAt ?? 0);
    expect(await list()).toEqual([]);
  });

  it('missingFromActiveCalls › ended call › never listed, yet in the Call Log', async () => {
    const { clock, fake, list } = await setup({ callLogVisibilityMs: [3_000, 3_000] });
    const c = await fake.calls.play({ missingFromActiveCalls: true });
    expect(c.activeCallsVisibleAt).toBeUndefined();
    clock.advance(3_000);
    expect(await list()).toEqual([]);
    const log = await list('/restapi/v1.0/account/~/call-log');
    expect(log.map((r) => r.telephonySessionId)).toEqual([c.telephonySessionId]);
  });

  it('extension route › two agents › only the calls of that extension (~ = token owner)', async () => {
    const { fake, list } = await setup();
    const mine = fake.calls.start();
    const theirs = fake.calls.start({ extensionId: '555' });
    await mine.answer();
    await theirs.answer();
    const own = await list('/restapi/v1.0/account/~/extension/~/active-calls');
    expect(own.map((r) => r.telephonySessionId)).toEqual([mine.telephonySessionId]);
    const other = await list('/restapi/v1.0/account/~/extension/555/active-calls');
    expect(other.map((r) => r.telephonySessionId)).toEqual([theirs.telephonySessionId]);
  });

  it('missed call › never answered › listed after the end with result Missed', async () => {
    const { clock, fake, list } = await setup();
    const c = await fake.calls.play({ answered: false });
    clock.advance(2_000);
    const [record] = await list();
    expect(record).toMatchObject({ telephonySessionId: c.telephonySessionId, result: 'Missed' });
    expect(record.recording).toBeUndefined();
  });
});
