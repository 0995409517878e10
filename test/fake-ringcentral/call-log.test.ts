import { describe, expect, it } from 'vitest';
import { sdkFailure, startCallLogFake, type Json } from './helpers.js';

async function setup() {
  const { clock, fake, platform } = await startCallLogFake();
  const query = async (
    params: Record<string, string | string[]> = {},
    path = '/restapi/v1.0/account/~/call-log',
  ) => (await (await platform.get(path, params)).json()) as Json;
  const ids = (body: Json) => (body.records as Json[]).map((r) => r.telephonySessionId);
  return { clock, fake, platform, query, ids };
}

describe('fake RingCentral › Call Log', () => {
  it('visibility › ended call › absent before its delay, present after', async () => {
    const { clock, fake, query, ids } = await setup();
    const c = await fake.calls.play();
    clock.set((c.callLogVisibleAt ?? 0) - 1);
    expect(ids(await query())).toEqual([]);
    clock.set(c.callLogVisibleAt ?? 0);
    expect(ids(await query())).toEqual([c.telephonySessionId]);
  });

  it('filters › telephonySessionId, sessionId, direction › only the matching call', async () => {
    const { clock, fake, query, ids } = await setup();
    const a = await fake.calls.play();
    const b = await fake.calls.play({ direction: 'Outbound' });
    clock.advance(4_000);
    expect(ids(await query())).toHaveLength(2);
    expect(ids(await query({ telephonySessionId: a.telephonySessionId }))).toEqual([a.telephonySessionId]);
    expect(ids(await query({ sessionId: b.sessionId }))).toEqual([b.telephonySessionId]);
    expect(ids(await query({ direction: 'Outbound' }))).toEqual([b.telephonySessionId]);
    expect(ids(await query({ direction: ['Inbound', 'Outbound'] }))).toHaveLength(2);
    expect(ids(await query({ telephonySessionId: 's-unknown' }))).toEqual([]);
  });

  it('filters › date range on startTime › dateFrom/dateTo bound it, dateFrom defaults to dateTo − 24 h', async () => {
    const { clock, fake, query, ids } = await setup();
    const old = await fake.calls.play();
    clock.advance(25 * 3600 * 1000);
    const recent = await fake.calls.play();
    clock.advance(4_000);
    expect(ids(await query())).toEqual([recent.telephonySessionId]);
    const from = new Date(old.startedAt - 1000).toISOString();
    expect(ids(await query({ dateFrom: from }))).toEqual([recent.telephonySessionId, old.telephonySessionId]);
    const to = new Date(old.startedAt + 1000).toISOString();
    expect(ids(await query({ dateFrom: from, dateTo: to }))).toEqual([old.telephonySessionId]);
  });

  it('view › Detailed › adds legs and lastModifiedTime; IVR calls have an IVR leg', async () => {
    const { clock, fake, query } = await setup();
    const c = await fake.calls.play({ viaIvr: true });
    clock.advance(4_000);
    const simple = (await query()).records[0];
    expect(simple.legs).toBeUndefined();
    const detailed = (await query({ view: 'Detailed' })).records[0];
    expect(detailed.lastModifiedTime).toBe(new Date(c.endedAt ?? 0).toISOString());
    expect(detailed.legs).toHaveLength(2);
    expect(detailed.legs[0]).toMatchObject({ master: true, partyId: c.partyIds.agent });
    expect(detailed.legs[1]).toMatchObject({ master: false, partyId: c.partyIds.ivr });
  });

  it('extension route and missingFromCallLog › only that extension, never the missing call', async () => {
    const { clock, fake, query, ids } = await setup();
    const mine = await fake.calls.play();
    await fake.calls.play({ extensionId: '777' });
    await fake.calls.play({ missingFromCallLog: true });
    clock.advance(4_000);
    expect(ids(await query({}, '/restapi/v1.0/account/~/extension/~/call-log'))).toEqual([
      mine.telephonySessionId,
    ]);
    expect(ids(await query())).toHaveLength(2);
  });

  it('input › bad dateFrom or view › 400 CMN-101', async () => {
    const { platform } = await setup();
    const bad = await sdkFailure(platform.get('/restapi/v1.0/account/~/call-log', { dateFrom: 'yesterday' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'dateFrom' });
    const view = await sdkFailure(platform.get('/restapi/v1.0/account/~/call-log', { view: 'Fancy' }));
    expect(view.body.errors[0].parameterName).toBe('view');
  });
});
