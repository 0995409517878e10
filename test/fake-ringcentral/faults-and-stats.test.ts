import { describe, expect, it } from 'vitest';
import { call, loggedIn, sdkFailure, startFake } from './helpers.js';

const activeCalls = '/restapi/v1.0/account/~/active-calls';

describe('fake RingCentral › faults and stats', () => {
  it('failNext › two 503s on active-calls › then normal answers; no rate budget used', async () => {
    const fake = await startFake();
    const { platform, token } = await loggedIn(fake);
    fake.faults.failNext({ path: /active-calls$/, status: 503, times: 2, headers: { 'Retry-After': '5' } });
    for (let i = 0; i < 2; i++) {
      const failure = await sdkFailure(platform.get(activeCalls));
      expect(failure.status).toBe(503);
      expect(failure.headers.get('retry-after')).toBe('5');
      expect(failure.body.errorCode).toBe('CMN-201');
    }
    const ok = await call(fake, activeCalls, token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('9');
    expect(fake.requestLog.filter((e) => e.fault)).toHaveLength(2);
  });

  it('failNext › custom body and method filter › only matching requests fail', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    fake.faults.failNext({
      method: 'POST',
      path: '/restapi/v1.0/subscription',
      status: 400,
      body: { errorCode: 'X' },
    });
    expect((await call(fake, '/restapi/v1.0/subscription', token)).status).toBe(200);
    const res = await call(fake, '/restapi/v1.0/subscription', token, { method: 'POST', body: '{}' });
    expect(res).toMatchObject({ status: 400, body: { errorCode: 'X' } });
  });

  it('setDown › API down › 503 CMN-201 on /restapi/v1.0, login still works', async () => {
    const fake = await startFake();
    fake.faults.setDown(true);
    const { platform } = await loggedIn(fake);
    const failure = await sdkFailure(platform.get(activeCalls));
    expect(failure.status).toBe(503);
    expect(failure.body).toMatchObject({ errorCode: 'CMN-201', message: 'Service Temporary Unavailable' });
    fake.faults.setDown(false);
    expect((await platform.get(activeCalls)).status).toBe(200);
  });

  it('stats and request log › a few requests › counted by group and route with host and auth', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    await call(fake, activeCalls, token);
    await call(fake, '/restapi/v1.0/account/~/call-log?view=Detailed', token);
    await call(fake, '/restapi/v1.0/subscription', token);
    await call(fake, '/restapi/v1.0/nowhere');
    const stats = fake.stats();
    expect(stats).toMatchObject({
      requests: 5,
      byGroup: { Auth: 1, Heavy: 2, Light: 1, Medium: 0 },
      rateLimited: 0,
      byRoute: {
        'POST /restapi/oauth/token': 1,
        'GET /restapi/v1.0/account/{accountId}/active-calls': 1,
        'GET /restapi/v1.0/account/{accountId}/call-log': 1,
        'GET /restapi/v1.0/subscription': 1,
        unmatched: 1,
      },
    });
    const host = new URL(fake.url).host;
    expect(fake.requestLog[0]).toMatchObject({
      method: 'POST',
      status: 200,
      group: 'Auth',
      authScheme: 'basic',
      host,
    });
    expect(fake.requestLog[2]).toMatchObject({
      path: '/restapi/v1.0/account/~/call-log',
      query: { view: 'Detailed' },
      authorization: true,
      authScheme: 'bearer',
      group: 'Heavy',
    });
    expect(fake.requestLog[4]).toMatchObject({ status: 404, authorization: false });
    fake.resetStats();
    expect(fake.stats().requests).toBe(0);
    expect(fake.requestLog).toHaveLength(0);
  });
});
