import { describe, expect, it } from 'vitest';
import { bodyOf, call, loggedIn, sdkFailure, startFake } from './helpers.js';

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
});
