import { describe, expect, it } from 'vitest';
import { fakeRecordingContent } from '../../src/fake-ringcentral/index.js';
import { signRecordingLink } from '../../src/recordings/link.js';
import { eventually } from '../helpers/config.js';
import type { Stack } from '../helpers/stack.js';
import { linkSecret as secret, useRecordingStack } from './support.js';

const contentRoute = 'GET /restapi/v1.0/account/{accountId}/recording/{recordingId}/content';
const recordingBytes = 20_000;

const recordings = useRecordingStack();
let stack: Stack | undefined;

async function recordedCallLink() {
  stack = await recordings.start({ fake: { recordingBytes } });
  const call = await stack.fake.calls.play({ recorded: true, talkMs: 50 });
  const data = await eventually(async () => {
    for (const { body } of stack!.crm.records.values()) {
      const event = body as {
        data: {
          telephonySessionId: string;
          recordings?: Array<{ id: string; url: string; expiresAt: string }>;
        };
      };
      if (event.data.telephonySessionId === call.telephonySessionId) return event.data;
    }
    return undefined;
  });
  const expected = fakeRecordingContent(call.recordingId!, recordingBytes);
  return { call, data, link: data.recordings![0]!, expected };
}

describe('recordings › playable links', () => {
  it('a recorded call reaches the CRM with a link that plays in full and by range, for one download', async () => {
    const { call, link, expected } = await recordedCallLink();
    expect(link.id).toBe(call.recordingId);
    expect(link.url).toMatch(/\/recordings\/809646016\/\d+\.mp3\?expires=\d+&signature=[\w-]+$/);

    const whole = await fetch(link.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(expected)).toBe(true);

    const part = await fetch(link.url, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${recordingBytes}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(expected.subarray(1000, 2000))).toBe(true);

    const again = await fetch(link.url);
    expect(Buffer.from(await again.arrayBuffer()).equals(expected)).toBe(true);
    // Three plays, one RingCentral download: the cache served the rest.
    expect(stack!.fake.stats().byRoute[contentRoute]).toBe(1);
    // The listener's browser never sees a RingCentral token, and every token went to the simulator.
    expect(whole.headers.get('authorization')).toBeNull();
    const hosts = new Set(stack!.fake.requestLog.map((entry) => entry.host));
    expect([...hosts]).toEqual([new URL(stack!.fake.url).host]);
  });

  it('a tampered, re-pointed or expired link is refused with 403 and costs RingCentral nothing', async () => {
    const { call, link } = await recordedCallLink();
    const url = new URL(link.url);
    const signature = url.searchParams.get('signature')!;
    const tampered = new URL(url);
    tampered.searchParams.set(
      'signature',
      `${signature.slice(0, -2)}${signature.endsWith('A') ? 'BB' : 'AA'}`,
    );
    const repointed = new URL(url);
    repointed.pathname = url.pathname.replace(call.recordingId!, '12345678901');
    const extended = new URL(url);
    extended.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const publicUrl = `${url.protocol}//${url.host}`;
    const expired = signRecordingLink(
      { accountId: '809646016', recordingId: call.recordingId! },
      { publicUrl, secret, lifetimeMs: 1_000 },
      Date.now() - 60_000,
    );

    for (const target of [tampered, repointed, extended]) {
      const answer = await fetch(target);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({ error: 'Forbidden', message: 'Invalid recording link' });
    }
    const old = await fetch(expired);
    expect(old.status).toBe(403);
    expect(await old.json()).toMatchObject({ message: 'This recording link has expired' });
    expect(stack!.fake.stats().byRoute[contentRoute] ?? 0).toBe(0);
  });
});
