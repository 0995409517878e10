import { describe, expect, it } from 'vitest';
import { call, loggedIn, manualClock, sdkFailure, startFake } from './helpers.js';

const heavy = { limit: 3, windowMs: 300, penaltyMs: 300 };
const path = '/restapi/v1.0/account/~/active-calls';

describe('fake RingCentral › rate limits', () => {
  it('Heavy › default figures › 10 per 60 s announced in the headers', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    const res = await call(fake, path, token);
    expect(res.headers.get('x-rate-limit-group')).toBe('heavy');
    expect(res.headers.get('x-rate-limit-limit')).toBe('10');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('9');
    expect(res.headers.get('x-rate-limit-window')).toBe('60');
  });

  it('Heavy › one request over the limit › 429 CMN-301 with Retry-After; remaining counts down', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now, rateLimits: { Heavy: heavy } });
    const { platform } = await loggedIn(fake);
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      remaining.push((await platform.get(path)).headers.get('x-rate-limit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const failure = await sdkFailure(platform.get(path));
    expect(failure.status).toBe(429);
    expect(failure.headers.get('retry-after')).toBe('0.3');
    expect(failure.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(failure.body).toEqual({
      errorCode: 'CMN-301',
      message: 'Request rate exceeded',
      errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
    });
    // Other groups have their own budget.
    expect((await platform.get('/restapi/v1.0/subscription')).status).toBe(200);
    expect(fake.stats()).toMatchObject({ rateLimited: 1, rateLimitedByGroup: { Heavy: 1, Light: 0 } });
  });

  it('Heavy › request during the penalty › restarts the penalty', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now, rateLimits: { Heavy: heavy } });
    const { token } = await loggedIn(fake);
    for (let i = 0; i < 3; i++) await call(fake, path, token);
    expect((await call(fake, path, token)).status).toBe(429); // penalty until +300
    clock.advance(200);
    expect((await call(fake, path, token)).status).toBe(429); // restarted: until +500
    clock.advance(250);
    expect((await call(fake, path, token)).status).toBe(429); // +450: the first penalty would be over
    clock.advance(300);
    const res = await call(fake, path, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-remaining')).toBe('2');
  });

  it('sliding window › requests age out one by one › budget comes back gradually', async () => {
    const clock = manualClock();
    const fake = await startFake({
      now: clock.now,
      rateLimits: { Heavy: { limit: 2, windowMs: 1_000, penaltyMs: 5_000 } },
    });
    const { token } = await loggedIn(fake);
    await call(fake, path, token); // t=0
    clock.advance(600);
    await call(fake, path, token); // t=600
    clock.advance(400); // t=1000: the first has left the window
    expect((await call(fake, path, token)).headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('Auth › sixth login in a minute › 429', async () => {
    const fake = await startFake();
    for (let i = 0; i < 5; i++) await loggedIn(fake);
    const failure = await sdkFailure(loggedIn(fake));
    expect(failure.status).toBe(429);
    expect(failure.headers.get('x-rate-limit-group')).toBe('auth');
    expect(failure.headers.get('retry-after')).toBe('60');
  });
});
