import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const failure = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('recordings › settings', () => {
  it('defaults: links off, a 1 GiB cache in the temp folder, no archive, a one-minute late-data check', () => {
    const { recordings } = parseConfig({});
    expect(recordings).toMatchObject({
      linkSecret: undefined,
      linkLifetimeMs: 365 * 24 * 3600 * 1000,
      cacheMaxBytes: 1024 * 1024 * 1024,
      archive: undefined,
      lateDataIntervalMs: 60_000,
    });
    expect(recordings.cacheDir).toMatch(/rc-enrich-recordings$/);
  });

  it('an archive with an S3-compatible endpoint and keys', () => {
    const { recordings } = parseConfig({
      RECORDINGS_ARCHIVE: 's3://call-audio/rc',
      RECORDINGS_ARCHIVE_ENDPOINT: 'http://127.0.0.1:9000',
      RECORDINGS_ARCHIVE_ACCESS_KEY_ID: 'key',
      RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY: 'secret',
    });
    expect(recordings.archive).toEqual({
      location: { bucket: 'call-audio', prefix: 'rc/' },
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
    });
  });

  it.each([
    [{ RECORDING_LINK_SECRET: 'short' }, 'RECORDING_LINK_SECRET must be at least 32 characters'],
    [{ RECORDINGS_ARCHIVE: 'https://bucket' }, 'RECORDINGS_ARCHIVE must look like s3://bucket'],
    [{ RECORDINGS_ARCHIVE: 's3://b-1', RECORDINGS_ARCHIVE_ACCESS_KEY_ID: 'key' }, 'set both or neither'],
    [{ RECORDINGS_CACHE_MAX_MB: '0' }, 'RECORDINGS_CACHE_MAX_MB'],
  ])('%o › refused, naming the setting', (env, message) => {
    expect(failure(env)).toContain(message);
  });
});
