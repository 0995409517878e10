import { afterEach, describe, expect, it } from 'vitest';
import { fakeRecordingContent } from '../../src/fake-ringcentral/index.js';
import { parseArchiveLocation } from '../../src/recordings/archive.js';
import { eventually } from '../helpers/config.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3.js';
import { useRecordingStack } from './support.js';

const recordingBytes = 12_345;

const recordings = useRecordingStack();
let s3: FakeS3 | undefined;
afterEach(async () => {
  await s3?.close();
  s3 = undefined;
});

describe('recordings › archive (S3-compatible, on loopback)', () => {
  it('copies each recording to the bucket in the background; links play from it once RingCentral is gone', async () => {
    s3 = await startFakeS3({ bucket: 'call-audio', accessKeyId: 'test-key' });
    const stack = await recordings.start({
      fake: { recordingBytes },
      env: {
        RECORDINGS_ARCHIVE: 's3://call-audio/rc-enrich/recordings',
        RECORDINGS_ARCHIVE_ENDPOINT: s3.url,
        RECORDINGS_ARCHIVE_ACCESS_KEY_ID: 'test-key',
        RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY: 'test-secret',
      },
    });
    const call = await stack.fake.calls.play({ recorded: true, talkMs: 50 });
    const key = `rc-enrich/recordings/809646016/${call.recordingId}`;
    const archived = await eventually(async () => s3!.objects.get(key));
    const expected = fakeRecordingContent(call.recordingId!, recordingBytes);
    expect(archived.body.equals(expected)).toBe(true);
    expect(archived.contentType).toBe('audio/mpeg');

    const link = await eventually(async () => {
      for (const { body } of stack.crm.records.values()) {
        const data = (body as { data: { telephonySessionId: string; recordings?: Array<{ url: string }> } })
          .data;
        if (data.telephonySessionId === call.telephonySessionId) return data.recordings?.[0]?.url;
      }
      return undefined;
    });

    // Another instance with an empty cache, after RingCentral deleted the recording (simulator gone).
    await stack.fake.close();
    const other = await stack.startAnother({ RECORDINGS_CACHE_DIR: await recordings.tempDir(), ROLE: 'api' });
    const url = new URL(link);
    const played = await other.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(played.statusCode).toBe(200);
    expect(played.headers['content-type']).toBe('audio/mpeg');
    expect(played.rawPayload.equals(expected)).toBe(true);
  });

  it('RECORDINGS_ARCHIVE › accepts s3://bucket[/prefix] and nothing else', () => {
    expect(parseArchiveLocation('s3://call-audio')).toEqual({ bucket: 'call-audio', prefix: '' });
    expect(parseArchiveLocation('s3://call-audio/a/b/')).toEqual({ bucket: 'call-audio', prefix: 'a/b/' });
    for (const bad of ['https://call-audio', 'call-audio', 's3://', 's3://UPPER']) {
      expect(parseArchiveLocation(bad), bad).toBeUndefined();
    }
  });
});
