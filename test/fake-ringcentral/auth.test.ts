import { describe, expect, it } from 'vitest';
import { bodyOf, call, loggedIn, manualClock, sdkFailure, sdkFor, startFake } from './helpers.js';

describe('fake RingCentral › OAuth', () => {
  it('JWT login › right credentials › returns a RingCentral-shaped token the API accepts', async () => {
    const fake = await startFake();
    const { platform } = await loggedIn(fake);
    const data = await platform.auth().data();
    expect(data).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token_expires_in: 604800,
      owner_id: '809646016',
      scope: 'ReadCallLog CallControl SubscriptionWebhook ReadCallRecording ReadAccounts',
    });
    expect(data.access_token).toBeTruthy();
    expect(data.refresh_token).toBeTruthy();
    expect(data.endpoint_id).toBeTruthy();
    const account = await bodyOf(platform.get('/restapi/v1.0/account/~'));
    expect(account).toMatchObject({
      id: '809646016',
      status: 'Confirmed',
      uri: `${fake.url}/restapi/v1.0/account/809646016`,
    });
  });

  it('JWT login › wrong client secret › 401 invalid_client', async () => {
    const fake = await startFake();
    const failure = await sdkFailure(
      sdkFor(fake, { clientSecret: 'nope' }).login({ jwt: fake.credentials.jwt }),
    );
    expect(failure.status).toBe(401);
    expect(failure.body).toMatchObject({
      error: 'invalid_client',
      error_description: 'Invalid client: fake-client-id',
    });
  });

  it('JWT login › wrong JWT › 400 invalid_grant', async () => {
    const fake = await startFake();
    const failure = await sdkFailure(sdkFor(fake).login({ jwt: 'forged' }));
    expect(failure.status).toBe(400);
    expect(failure.body.error).toBe('invalid_grant');
    expect(failure.headers.get('x-rate-limit-group')).toBe('auth');
  });

  it('API › no or unknown bearer token › 401 TokenInvalid OAU-213', async () => {
    const fake = await startFake();
    for (const token of [undefined, 'made-up']) {
      const res = await call(fake, '/restapi/v1.0/account/~/active-calls', token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        errorCode: 'TokenInvalid',
        message: 'Invalid token',
        errors: [{ errorCode: 'OAU-213', message: 'Token not found' }],
      });
    }
  });

  it('API › expired access token › 401 with OAU-128', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now, accessTokenTtlSec: 60 });
    const { token } = await loggedIn(fake);
    expect((await call(fake, '/restapi/v1.0/account/~', token)).status).toBe(200);
    clock.advance(60_000);
    const res = await call(fake, '/restapi/v1.0/account/~', token);
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toEqual({ errorCode: 'OAU-128', message: 'Access token expired' });
  });

  it('refresh grant › SDK refresh › new token works and the old one is retired', async () => {
    const fake = await startFake();
    const { platform, token: oldToken } = await loggedIn(fake);
    await platform.refresh();
    const newToken = (await platform.auth().data()).access_token ?? '';
    expect(newToken).not.toBe(oldToken);
    expect((await call(fake, '/restapi/v1.0/account/~', newToken)).status).toBe(200);
    expect((await call(fake, '/restapi/v1.0/account/~', oldToken)).status).toBe(401);
  });

  it('revoke › SDK logout and auth.revokeAll › the token stops working', async () => {
    const fake = await startFake();
    const first = await loggedIn(fake);
    await first.platform.logout();
    expect((await call(fake, '/restapi/v1.0/account/~', first.token)).status).toBe(401);
    const second = await loggedIn(fake);
    fake.auth.revokeAll();
    expect((await call(fake, '/restapi/v1.0/account/~', second.token)).status).toBe(401);
  });
});
