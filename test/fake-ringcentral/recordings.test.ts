import { describe, expect, it } from 'vitest';
import { fakeRecordingContent } from '../../src/fake-ringcentral/api/recordings.js';
import { bodyOf, call, loggedIn, manualClock, sdkFailure, startFake } from './helpers.js';

describe('fake RingCentral › recordings', () => {
  it('metadata and content › recorded call after the end › audio/mpeg from the contentUri', async () => {
    const fake = await startFake({
      now: (() => {
        let t = 1_700_000_000_000;
        return () => (t += 1_000);
      })(),
    });
    const { platform } = await loggedIn(fake);
    const c = await fake.calls.play({ recorded: true });
    const meta = await bodyOf(platform.get(`/restapi/v1.0/account/~/recording/${c.recordingId}`));
    expect(meta).toEqual({
      id: c.recordingId,
      contentUri: `${fake.url}/restapi/v1.0/account/809646016/recording/${c.recordingId}/content`,
      contentType: 'audio/mpeg',
      duration: Math.round(((c.endedAt ?? 0) - (c.answeredAt ?? 0)) / 1000),
    });
    const content = await platform.get(meta.contentUri);
    expect(content.headers.get('content-type')).toBe('audio/mpeg');
    expect(content.headers.get('x-rate-limit-group')).toBe('heavy');
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('latin1')).toBe('ID3');
  });

  it('unknown or unanswered recording › 404 CMN-102; no ReadCallRecording › 403', async () => {
    const fake = await startFake();
    const { platform } = await loggedIn(fake);
    const missed = await fake.calls.play({ recorded: true, answered: false });
    for (const id of ['123', missed.recordingId]) {
      const failure = await sdkFailure(platform.get(`/restapi/v1.0/account/~/recording/${id}`));
      expect(failure.status).toBe(404);
      expect(failure.body.errors[0]).toMatchObject({ errorCode: 'CMN-102', parameterName: 'recordingId' });
    }
    const limited = await startFake({ permissions: ['ReadCallLog'] });
    const other = await loggedIn(limited);
    const denied = await call(limited, '/restapi/v1.0/account/~/recording/1/content', other.token);
    expect(denied.status).toBe(403);
    expect(denied.body.permissionName).toBe('ReadCallRecording');
  });

  it('mediaHostname › contentUri on another host name › the request log shows which host was used', async () => {
    const fake = await startFake({ mediaHostname: 'localhost' });
    const { platform } = await loggedIn(fake);
    const c = await fake.calls.play({ recorded: true });
    const port = new URL(fake.url).port;
    expect(fake.mediaUrl).toBe(`http://localhost:${port}`);
    await platform.get(`/restapi/v1.0/account/~/recording/${c.recordingId}`);
    await platform.get(`${fake.mediaUrl}/restapi/v1.0/account/809646016/recording/${c.recordingId}/content`);
    const hosts = fake.requestLog
      .filter((e) => e.path.includes('/recording/'))
      .map((e) => [e.host, e.authScheme]);
    expect(hosts).toEqual([
      [`127.0.0.1:${port}`, 'bearer'],
      [`localhost:${port}`, 'bearer'],
    ]);
  });

  it('content › Range › 206 with exactly those bytes; a suffix range; past the end › 416', async () => {
    const fake = await startFake({ recordingBytes: 4096 });
    const { platform } = await loggedIn(fake);
    const c = await fake.calls.play({ recorded: true });
    const uri = `${fake.url}/restapi/v1.0/account/809646016/recording/${c.recordingId}/content`;
    const expected = fakeRecordingContent(c.recordingId ?? '', 4096);

    const whole = await platform.get(uri);
    expect(Buffer.from(await whole.arrayBuffer()).equals(expected)).toBe(true);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');

    const part = await platform.get(uri, undefined, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/4096');
    expect(Buffer.from(await part.arrayBuffer()).equals(expected.subarray(100, 200))).toBe(true);

    const tail = await platform.get(uri, undefined, { headers: { Range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(expected.subarray(4086))).toBe(true);

    const beyond = await sdkFailure(platform.get(uri, undefined, { headers: { Range: 'bytes=5000-' } }));
    expect(beyond.status).toBe(416);
  });

  it('late recording › absent from records and 404 until recordingDelayMs after the end, then present', async () => {
    const clock = manualClock();
    const fake = await startFake({ now: clock.now, callLogVisibilityMs: [0, 0] });
    const { platform } = await loggedIn(fake);
    const c = await fake.calls.play({ recorded: true, recordingDelayMs: 60_000 });
    clock.advance(1_000);
    const early = await bodyOf(platform.get('/restapi/v1.0/account/~/call-log', { view: 'Detailed' }));
    expect(early.records[0].recording).toBeUndefined();
    const missing = await sdkFailure(platform.get(`/restapi/v1.0/account/~/recording/${c.recordingId}`));
    expect(missing.status).toBe(404);

    clock.advance(60_000);
    const late = await bodyOf(platform.get('/restapi/v1.0/account/~/call-log', { view: 'Detailed' }));
    expect(late.records[0].recording).toMatchObject({ id: c.recordingId, type: 'Automatic' });
    expect(Date.parse(late.records[0].lastModifiedTime)).toBe((c.endedAt ?? 0) + 60_000);
  });
});
