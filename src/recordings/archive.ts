import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Audio } from './cache.js';
import type { RecordingRef } from './link.js';

export interface ArchiveSettings {
  /** `s3://bucket` or `s3://bucket/some/prefix` (RECORDINGS_ARCHIVE). */
  location: { bucket: string; prefix: string };
  /** An S3-compatible endpoint (MinIO, R2, …); unset means AWS S3 itself. */
  endpoint?: string;
  region: string;
  /** Unset: the AWS SDK's own credential chain (instance role, AWS_* variables, profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** `s3://bucket/prefix/` → its parts, or undefined when the value is not such a URL. */
export function parseArchiveLocation(value: string): ArchiveSettings['location'] | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value.trim());
  if (!match) return undefined;
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : '' };
}

/**
 * The optional long-term home of recordings (RingCentral deletes them after 90 days): one object per
 * recording, `<prefix><accountId>/<recordingId>`, with its content type. Any S3-compatible store works.
 */
export function createRecordingArchive(settings: ArchiveSettings) {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    // S3-compatible servers address buckets by path; AWS accepts both.
    forcePathStyle: settings.endpoint !== undefined,
    credentials: settings.credentials,
    // Checksums only where S3 requires them: several S3-compatible stores reject the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const { bucket, prefix } = settings.location;
  const keyOf = (ref: RecordingRef) => `${prefix}${ref.accountId}/${ref.recordingId}`;

  return {
    async has(ref: RecordingRef): Promise<boolean> {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(ref) }));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async get(ref: RecordingRef): Promise<Audio | undefined> {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(ref) }));
        const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
        return { bytes, contentType: object.ContentType ?? 'audio/mpeg' };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async put(ref: RecordingRef, audio: Audio): Promise<void> {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keyOf(ref),
          Body: audio.bytes,
          ContentType: audio.contentType,
        }),
      );
    },
    close: () => client.destroy(),
  };
}

export type RecordingArchive = ReturnType<typeof createRecordingArchive>;

function isMissing(err: unknown): boolean {
  return err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404;
}
