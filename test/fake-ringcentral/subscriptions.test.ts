import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  loggedIn,
  manualClock,
  sdkFailure,
  startFake,
  startReceiver,
  subscribe,
  telephonyFilter,
} from './helpers.js';

const reminder = '/restapi/v1.0/subscription/~?threshold=86400&interval=3600';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fake RingCentral › subscriptions', () => {
  it('create › receiver echoes the handshake › Active SubscriptionInfo with ~ expanded, token not echoed', async () => {
    const fake = await startFake();
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const info = await subscribe(platform, receiver.url, {
      eventFilters: [telephonyFilter, '/restapi/v1.0/account/~/extension/~/telephony/sessions', reminder],
    });
    expect(info).toMatchObject({
      uri: `${fake.url}/restapi/v1.0/subscription/${info.id}`,
      status: 'Active',
      eventFilters: [
        '/restapi/v1.0/account/809646016/telephony/sessions',
        '/restapi/v1.0/account/809646016/extension/809646016/telephony/sessions',
        reminder,
      ],
      expiresIn: 604800,
      deliveryMode: { transportType: 'WebHook', encryption: false, address: receiver.url },
    });
    expect(info.deliveryMode.verificationToken).toBeUndefined();
    expect(Date.parse(info.expirationTime) - Date.parse(info.creationTime)).toBe(604800_000);
    const [handshake] = receiver.handshakes;
    expect(handshake?.headers['content-type']).toBe('application/json');
    expect(handshake?.headers['verification-token']).toBeUndefined();
    expect(handshake?.body).toBe('');
  });

  it('create › receiver fails the handshake › 400 SUB-525 or SUB-521 and nothing is created', async () => {
    const fake = await startFake({ handshakeTimeoutMs: 150 });
    const { platform } = await loggedIn(fake);
    for (const mode of ['no-echo', 'status-500', 'too-large'] as const) {
      const receiver = await startReceiver({ handshake: mode });
      const failure = await sdkFailure(subscribe(platform, receiver.url));
      expect(failure.status).toBe(400);
      expect(failure.body).toMatchObject({
        errorCode: 'SUB-525',
        message: 'WebHook server response is invalid',
      });
    }
    const hanging = await startReceiver({ handshake: 'hang' });
    const refused = `http://127.0.0.1:${await closedPort()}/webhook`;
    for (const address of [hanging.url, refused]) {
      const failure = await sdkFailure(subscribe(platform, address));
      expect(failure.status).toBe(400);
      expect(failure.body).toMatchObject({
        errorCode: 'SUB-521',
        message: 'Parameter [deliveryMode.address] value is invalid',
      });
    }
    expect(fake.subscriptions.list()).toEqual([]);
  });

  it('create › invalid requests › CMN-101 / SUB-508 / 403 without SubscriptionWebhook', async () => {
    const fake = await startFake();
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const empty = await sdkFailure(subscribe(platform, receiver.url, { eventFilters: [] }));
    expect(empty.body.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'eventFilters' });
    const unknown = await sdkFailure(subscribe(platform, receiver.url, { eventFilters: ['/nonsense'] }));
    expect(unknown.body).toMatchObject({
      errorCode: 'SUB-508',
      message: 'Invalid event filters: [/nonsense]',
    });
    const address = await sdkFailure(subscribe(platform, 'not a url'));
    expect(address.body.errors[0].parameterName).toBe('deliveryMode.address');
    expect(receiver.handshakes).toHaveLength(0);

    const capped = await subscribe(platform, receiver.url, { expiresIn: 999_999_999 });
    expect(capped.expiresIn).toBe(315360000);

    const noPermission = await startFake({ permissions: ['ReadCallLog', 'CallControl'] });
    const other = await loggedIn(noPermission);
    const denied = await sdkFailure(subscribe(other.platform, receiver.url));
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0]).toMatchObject({
      errorCode: 'CMN-401',
      permissionName: 'SubscriptionWebhook',
    });
  });

  it('create › app without CallControl › telephony filter disabled, or 403 when nothing else is left', async () => {
    const fake = await startFake({ permissions: ['SubscriptionWebhook'] });
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const denied = await sdkFailure(subscribe(platform, receiver.url));
    expect(denied.status).toBe(403);
    expect(denied.body.permissionName).toBe('CallControl');
    const partial = await subscribe(platform, receiver.url, { eventFilters: [telephonyFilter, reminder] });
    expect(partial.eventFilters).toEqual([reminder]);
    expect(partial.disabledFilters[0]).toMatchObject({
      filter: '/restapi/v1.0/account/809646016/telephony/sessions',
    });
  });

  it('lifecycle › list, get, renew, put, delete › RingCentral answers; unknown id is 404 CMN-102', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now });
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const { id } = await subscribe(platform, receiver.url, { expiresIn: 1000 });
    const list = await bodyOf(platform.get('/restapi/v1.0/subscription'));
    expect(list).toMatchObject({ uri: `${fake.url}/restapi/v1.0/subscription`, records: [{ id }] });

    clock.advance(400_000);
    expect((await bodyOf(platform.get(`/restapi/v1.0/subscription/${id}`))).expiresIn).toBe(600);
    const renewed = await bodyOf(platform.post(`/restapi/v1.0/subscription/${id}/renew`));
    expect(renewed.expiresIn).toBe(1000);
    const put = await bodyOf(platform.put(`/restapi/v1.0/subscription/${id}`, { expiresIn: 5000 }));
    expect(put.expiresIn).toBe(5000);
    const emptyPut = await bodyOf(platform.put(`/restapi/v1.0/subscription/${id}`, {}));
    expect(emptyPut.expiresIn).toBe(604800);

    const deleted = await platform.delete(`/restapi/v1.0/subscription/${id}`);
    expect(deleted.status).toBe(204);
    const gone = await sdkFailure(platform.get(`/restapi/v1.0/subscription/${id}`));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ errorCode: 'CMN-102', errors: [{ parameterName: 'subscriptionId' }] });
  });

  it('expiry › expired subscription › disappears from list and get', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now });
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const a = await subscribe(platform, receiver.url, { expiresIn: 10 });
    const b = await subscribe(platform, receiver.url);
    clock.advance(10_000);
    fake.subscriptions.expire(b.id);
    expect((await bodyOf(platform.get('/restapi/v1.0/subscription'))).records).toEqual([]);
    expect((await sdkFailure(platform.get(`/restapi/v1.0/subscription/${a.id}`))).status).toBe(404);
  });

  it('limit › 31st subscription of one owner › 403 SUB-505', async () => {
    const fake = await startFake();
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    for (let i = 0; i < 30; i++) await subscribe(platform, receiver.url);
    const failure = await sdkFailure(subscribe(platform, receiver.url));
    expect(failure.status).toBe(403);
    expect(failure.body).toMatchObject({ errorCode: 'SUB-505', message: 'Subscriptions limit exceeded' });
  });

  it('blacklisting › blacklisted subscription › shows blacklistedData, gets no notifications, cannot renew', async () => {
    const fake = await startFake();
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const { id } = await subscribe(platform, receiver.url);
    fake.subscriptions.blacklist(id, 'Webhook responses with code: [404], reason: [Not Found]');
    const info = await bodyOf(platform.get(`/restapi/v1.0/subscription/${id}`));
    expect(info).toMatchObject({
      status: 'Blacklisted',
      blacklistedData: { reason: 'Webhook responses with code: [404], reason: [Not Found]' },
    });
    expect(Date.parse(info.blacklistedData.blacklistedAt)).not.toBeNaN();
    await fake.calls.play();
    await fake.notifications.idle();
    expect(receiver.received).toEqual([]);
    const renew = await sdkFailure(platform.post(`/restapi/v1.0/subscription/${id}/renew`));
    expect(renew.status).toBe(400);
    expect(renew.body.errorCode).toBe('SUB-526');
  });

  it('renewal reminder › subscription with a reminder filter › reminder reaches the receiver', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now });
    const receiver = await startReceiver();
    const { platform } = await loggedIn(fake);
    const { id } = await subscribe(platform, receiver.url, {
      eventFilters: [telephonyFilter, reminder],
      expiresIn: 7200,
    });
    const delivery = await fake.subscriptions.sendRenewalReminder(id);
    expect(delivery).toMatchObject({ kind: 'reminder', ok: true, status: 200 });
    const [got] = receiver.received;
    expect(got?.headers['verification-token']).toBe('secret-token');
    expect(got?.body).toMatchObject({
      event: reminder,
      subscriptionId: id,
      ownerId: '809646016',
      body: { expiresIn: 7200 },
    });
    expect(got?.body.uuid).toMatch(/^\d{19}$/);

    const plain = await subscribe(platform, receiver.url);
    await expect(fake.subscriptions.sendRenewalReminder(plain.id)).rejects.toThrow(/no renewal-reminder/);
  });
});
