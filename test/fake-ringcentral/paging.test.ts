import { describe, expect, it } from 'vitest';
import { call, loggedIn, manualClock, startFake } from './helpers.js';

async function withCalls(count: number) {
  const clock = manualClock();
  const fake = await startFake({
    now: clock.now,
    rateLimits: { Heavy: { limit: 100, windowMs: 60_000, penaltyMs: 60_000 } },
  });
  const { token } = await loggedIn(fake);
  const calls = [];
  for (let i = 0; i < count; i++) {
    const c = fake.calls.start();
    await c.answer();
    calls.push(c);
    clock.advance(1_000);
  }
  const get = (query: string) => call(fake, `/restapi/v1.0/account/~/active-calls${query}`, token);
  return { fake, calls, get };
}

describe('fake RingCentral › paging', () => {
  it('perPage › 7 calls by 3 › three pages, newest first, with paging and navigation', async () => {
    const { fake, calls, get } = await withCalls(7);
    const newestFirst = [...calls].reverse().map((c) => c.telephonySessionId);

    const first = await get('?perPage=3');
    expect(first.body.records.map((r: { telephonySessionId: string }) => r.telephonySessionId)).toEqual(
      newestFirst.slice(0, 3),
    );
    expect(first.body.paging).toEqual({
      page: 1,
      totalPages: 3,
      perPage: 3,
      totalElements: 7,
      pageStart: 0,
      pageEnd: 2,
    });
    expect(first.body.navigation.nextPage.uri).toBe(
      `${fake.url}/restapi/v1.0/account/~/active-calls?perPage=3&page=2`,
    );
    expect(first.body.navigation.previousPage).toBeUndefined();

    const last = await get('?perPage=3&page=3');
    expect(last.body.records).toHaveLength(1);
    expect(last.body.paging).toMatchObject({ page: 3, pageStart: 6, pageEnd: 6 });
    expect(last.body.navigation.nextPage).toBeUndefined();
    expect(last.body.navigation.previousPage.uri).toContain('page=2');

    const beyond = await get('?perPage=3&page=9');
    expect(beyond.body.records).toEqual([]);
  });

  it('perPage › "max", default and over 1000 › 1000, 100 and 1000', async () => {
    const { get } = await withCalls(2);
    expect((await get('?perPage=max')).body.paging.perPage).toBe(1000);
    expect((await get('')).body.paging.perPage).toBe(100);
    expect((await get('?perPage=5000')).body.paging.perPage).toBe(1000);
    expect((await get('?perPage=max')).body.records).toHaveLength(2);
  });

  it('perPage and page › invalid values › 400 CMN-101 naming the parameter', async () => {
    const { get } = await withCalls(0);
    for (const [query, name] of [
      ['?perPage=0', 'perPage'],
      ['?perPage=lots', 'perPage'],
      ['?page=0', 'page'],
    ]) {
      const res = await get(query ?? '');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        errorCode: 'CMN-101',
        message: `Parameter [${name}] value is invalid`,
        errors: [{ errorCode: 'CMN-101', parameterName: name }],
      });
    }
  });
});
