import { describe, expect, it } from 'vitest';
import { call, loggedIn, sdkFailure, startFake } from './helpers.js';

describe('fake RingCentral › errors', () => {
  it('permissions › app without ReadCallLog › 403 with the documented body', async () => {
    const fake = await startFake({ permissions: ['CallControl', 'SubscriptionWebhook'] });
    const { platform } = await loggedIn(fake);
    const failure = await sdkFailure(platform.get('/restapi/v1.0/account/~/active-calls'));
    const message = 'In order to call this API endpoint, application needs to have [ReadCallLog] permission';
    expect(failure.status).toBe(403);
    expect(failure.body).toEqual({
      errorCode: 'InsufficientPermissions',
      message,
      errors: [{ errorCode: 'CMN-401', message, permissionName: 'ReadCallLog' }],
      permissionName: 'ReadCallLog',
    });
    // The request still counted against the Heavy budget, like any answered request.
    expect(failure.headers.get('x-rate-limit-remaining')).toBe('9');
  });

  it('accounts › another account id › 404 CMN-102', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    const res = await call(fake, '/restapi/v1.0/account/123/call-log', token);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      errorCode: 'CMN-102',
      message: 'Resource for parameter [accountId] is not found',
      errors: [{ errorCode: 'CMN-102', parameterName: 'accountId' }],
    });
    expect((await call(fake, '/restapi/v1.0/account/809646016/call-log', token)).status).toBe(200);
  });

  it('routing › unknown route › 404 CMN-120 without rate-limit headers', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    const res = await call(fake, '/restapi/v1.0/account/~/nothing-here', token);
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('CMN-120');
    expect(res.headers.get('x-rate-limit-group')).toBeNull();
  });

  it('input › malformed JSON body › 400 CMN-103', async () => {
    const fake = await startFake();
    const { token } = await loggedIn(fake);
    const res = await call(fake, '/restapi/v1.0/subscription', token, {
      method: 'POST',
      body: '{not json',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('CMN-103');
  });
});
