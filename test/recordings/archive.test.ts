import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRecordingContent } from '../../src/fake-ringcentral/index.js';
import { parseArchiveLocation } from '../../src/recordings/archive.js';
import { eventually } from '../helpers/config.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3.js';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const recordingBytes = 12_345;

let stack: Stack | undefined;
let s3: FakeS3 | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await stack?.close();
  await s3?.close();
  stack = undefined;
  s3 = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-enrich-test-archive-'));
  dirs.push(dir);
  return dir;
};

describe('recordings › archive (S3-compatible, on loopback)', () => {
  it('copies each recording to the bucket in the background; links play from it once RingCentral is gone', async () => {
    s3 = await startFakeS3({ bucket: 'call-audio', accessKeyId: 'test-key' });
    stack = await startStack({
      fake: { recordingBytes },
      env: {
        RECORDING_LINK_SECRET: secret,
        RECORDINGS_CACHE_DIR: await tempDir(),
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
      for (const { body } of stack!.crm.records.values()) {
        const data = (body as { data: { telephonySessionId: string; recordings?: Array<{ url: string }> } })
          .data;
        if (data.telephonySessionId === call.telephonySessionId) return data.recordings?.[0]?.url;
      }
      return undefined;
    });

    // Another instance with an empty cache, after RingCentral deleted the recording (simulator gone).
    await stack.fake.close();
    const other = await stack.startAnother({ RECORDINGS_CACHE_DIR: await tempDir(), ROLE: 'api' });
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
