import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createCallState, type CallEvent } from '../../src/calls/call-state.js';
import { createKeys } from '../../src/infra/keys.js';
import type { PartySnapshot } from '../../src/calls/types.js';
import { cleanupPrefix, redisUrl } from '../helpers/config.js';
import { newTelephonySessionId } from '../helpers/notifications.js';

const prefix = `test-callstate-${process.pid}`;
let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterEach(() => cleanupPrefix(prefix));
afterAll(() => redis.quit());

let uuid = 0;
const party = (id: string, status: string, sequence: number): PartySnapshot => ({ id, status, sequence });
const event = (tsid: string, parties: PartySnapshot[], eventUuid = `n-${++uuid}`): CallEvent => ({
  uuid: eventUuid,
  telephonySessionId: tsid,
  sessionId: '429180487016',
  accountId: '809646016',
  parties,
  storyEntry: { step: 'notification' },
});

describe('call state › when a call has ended', () => {
  it('an IVR leaving first does not end the call; the last live party leaving does', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    // RingCentral's PSTN → IVR → agent example flow: caller, IVR, IVR leaves, agent rings, answers, hangs up, caller leaves.
    await state.record(event(tsid, [party('p-1', 'Setup', 2)]));
    await state.record(event(tsid, [party('p-2', 'Setup', 3)]));
    await state.record(event(tsid, [party('p-1', 'Answered', 4)]));
    expect((await state.record(event(tsid, [party('p-2', 'Disconnected', 5)]))).endedNow).toBe(false);
    await state.record(event(tsid, [party('p-3', 'Setup', 6)]));
    await state.record(event(tsid, [party('p-3', 'Answered', 8)]));
    expect((await state.record(event(tsid, [party('p-3', 'Disconnected', 11)]))).endedNow).toBe(false);
    const last = await state.record(event(tsid, [party('p-1', 'Disconnected', 12)]));
    expect(last).toEqual({ duplicate: false, endedNow: true, awaitingLookup: true, partiesDropped: 0 });
    expect((await state.get(tsid))?.endedAt).toBeTypeOf('number');
  });

  it('a late, older event of a party does not bring it back to life', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Disconnected', 9)]));
    const late = await state.record(event(tsid, [party('p-1', 'Answered', 4)]));
    expect(late.endedNow).toBe(false);
    const call = await state.get(tsid);
    expect(call?.parties[0]?.status).toBe('Disconnected');
    expect(call?.endedAt).toBeTypeOf('number');
  });

  it('the same notification twice is a duplicate and ends nothing twice', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    const once = event(tsid, [party('p-1', 'Disconnected', 3)], 'same-uuid');
    expect((await state.record(once)).endedNow).toBe(true);
    const again = await state.record(once);
    expect(again.duplicate).toBe(true);
    expect(again.endedNow).toBe(false);
  });

  it('a new live party after the end reopens the call until it leaves too', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Disconnected', 3)]));
    await state.record(event(tsid, [party('p-2', 'Proceeding', 4)]));
    expect((await state.get(tsid))?.endedAt).toBeUndefined();
    expect((await state.record(event(tsid, [party('p-2', 'Gone', 5)]))).endedNow).toBe(true);
  });

  it('status codes are compared case-insensitively', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    expect((await state.record(event(tsid, [party('p-1', 'DISCONNECTED', 3)]))).endedNow).toBe(true);
  });

  it('once enriched, later notifications no longer ask for a lookup', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Disconnected', 3)]));
    await state.markDone(tsid);
    expect((await state.record(event(tsid, [party('p-1', 'Disconnected', 4)]))).awaitingLookup).toBe(false);
  });
});

describe('call state › quiet calls', () => {
  it('a call with no event for the quiet period is declared ended once', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Answered', 2)]), 1_000);
    expect(await state.quietCalls(5_000)).toEqual([tsid]);
    expect(await state.endQuietCall(tsid, 5_000, 6_000)).toBe(true);
    expect(await state.endQuietCall(tsid, 5_000, 6_000)).toBe(false);
    expect((await state.get(tsid))?.endReason).toBe('quiet');
    expect(await state.quietCalls(5_000)).toEqual([]);
  });

  it('a call that had an event since is not ended by the sweep', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Answered', 2)]), 10_000);
    expect(await state.endQuietCall(tsid, 5_000, 11_000)).toBe(false);
  });
});

describe('call state › the quiet sweep against a live call', () => {
  it('a call that had an event after the sweep listed it stays in the set the sweep checks', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    await state.record(event(tsid, [party('p-1', 'Answered', 2)]), 1_000);
    expect(await state.quietCalls(5_000)).toEqual([tsid]);
    // The sweep listed it; an event arrives before the sweep gets to end it.
    await state.record(event(tsid, [party('p-1', 'Hold', 3)]), 7_000);
    expect(await state.endQuietCall(tsid, 5_000, 7_500)).toBe(false);
    // Its next quiet period still ends it: it was not dropped from the live set.
    expect(await state.quietCalls(20_000)).toEqual([tsid]);
    expect(await state.endQuietCall(tsid, 20_000, 21_000)).toBe(true);
  });
});

describe('call state › bounded per call', () => {
  it('keeps at most maxPartiesPerCall parties and says how many it dropped', async () => {
    const state = createCallState(redis, createKeys(prefix), { maxPartiesPerCall: 5 });
    const tsid = newTelephonySessionId();
    const many = Array.from({ length: 8 }, (_, i) => party(`p-${i}`, 'Setup', 2));
    const result = await state.record(event(tsid, many));
    expect(result.partiesDropped).toBe(3);
    expect((await state.get(tsid))?.parties.map((p) => p.id)).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
    // Known parties still update, so the call can still end.
    const ends = Array.from({ length: 5 }, (_, i) => party(`p-${i}`, 'Disconnected', 3));
    expect((await state.record(event(tsid, ends))).endedNow).toBe(true);
  });

  it('stores a party exactly as given: empty arrays stay arrays', async () => {
    const state = createCallState(redis, createKeys(prefix));
    const tsid = newTelephonySessionId();
    const withEmpty: PartySnapshot = { ...party('p-1', 'Answered', 2), recordings: [] };
    await state.record(event(tsid, [withEmpty]));
    const stored = await redis.hget(createKeys(prefix).callParties(tsid), 'p-1');
    expect(stored).toBe(JSON.stringify(withEmpty));
    expect((await state.get(tsid))?.parties[0]?.recordings).toEqual([]);
  });

  it('the dedupe key is written last: a notification whose recording failed is not a duplicate on retry', async () => {
    const keys = createKeys(prefix);
    const state = createCallState(redis, keys);
    const tsid = newTelephonySessionId();
    // Make the script fail after the party writes: the story key holds the wrong type.
    await redis.set(keys.callStory(tsid), 'not a list');
    const once = event(tsid, [party('p-1', 'Disconnected', 3)], `retry-${tsid}`);
    await expect(state.record(once)).rejects.toThrow(/WRONGTYPE/);
    await redis.del(keys.callStory(tsid));
    const retry = await state.record(once);
    expect(retry.duplicate).toBe(false);
    expect(retry.awaitingLookup).toBe(true);
  });
});
