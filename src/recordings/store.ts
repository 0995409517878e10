import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../infra/keys.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import type { RecordingArchive } from './archive.js';
import type { Audio, CachedRecording, RecordingCache } from './cache.js';
import type { RecordingRef } from './link.js';
import type { Metrics } from '../infra/metrics.js';

/** RingCentral keeps recordings 90 days; the content URI is remembered a little longer. */
const contentUriTtlSeconds = 100 * 24 * 60 * 60;

interface Deps {
  cache: RecordingCache;
  archive?: RecordingArchive;
  ringcentral: Pick<RingCentralClient, 'request' | 'download'>;
  redis: Redis;
  keys: Keys;
  metrics: Pick<
    Metrics,
    'recordingCacheHits' | 'recordingDownloads' | 'recordingsArchived' | 'recordingFailures'
  >;
  logger: Logger;
}

/**
 * Where a recording's audio comes from, cheapest first: the local cache, the archive, then RingCentral
 * (one Heavy request at background priority, so a download never makes a due lookup wait). Concurrent
 * requests for one recording in this process share one download.
 */
export function createRecordingStore({ cache, archive, ringcentral, redis, keys, metrics, logger }: Deps) {
  const inFlight = new Map<string, Promise<CachedRecording>>();
  const contentUriKey = (ref: RecordingRef) => keys.recordingContentUri(ref.accountId, ref.recordingId);

  /** RingCentral's own content URL; learned at delivery, else asked of the metadata endpoint. */
  async function contentUriOf(ref: RecordingRef): Promise<string> {
    const known = await redis.get(contentUriKey(ref));
    if (known) return known;
    const { data } = await ringcentral.request<{ contentUri: string }>({
      path: `/restapi/v1.0/account/${encodeURIComponent(ref.accountId)}/recording/${encodeURIComponent(ref.recordingId)}`,
      group: 'Heavy',
      priority: 'background',
    });
    await remember(ref, data.contentUri);
    return data.contentUri;
  }

  async function remember(ref: RecordingRef, contentUri: string): Promise<void> {
    await redis.set(contentUriKey(ref), contentUri, 'EX', contentUriTtlSeconds);
  }

  async function fromRingCentral(ref: RecordingRef): Promise<Audio> {
    const audio = await ringcentral.download({
      path: await contentUriOf(ref),
      group: 'Heavy',
      priority: 'background',
    });
    metrics.recordingDownloads.inc();
    logger.info({ recordingId: ref.recordingId, bytes: audio.bytes.length }, 'recording downloaded');
    return audio;
  }

  async function archiveCopy(ref: RecordingRef, audio: Audio): Promise<void> {
    if (!archive) return;
    try {
      await archive.put(ref, audio);
      metrics.recordingsArchived.inc();
    } catch (err) {
      // The audio is cached and plays; the background archive job tries again later.
      metrics.recordingFailures.inc({ stage: 'archive' });
      logger.warn({ err: (err as Error).message, recordingId: ref.recordingId }, 'archive copy failed');
    }
  }

  async function load(ref: RecordingRef): Promise<CachedRecording> {
    const cached = await cache.get(ref);
    if (cached) {
      metrics.recordingCacheHits.inc();
      return cached;
    }
    const archived = await archive?.get(ref);
    if (archived) return cache.put(ref, archived);
    const audio = await fromRingCentral(ref);
    const stored = await cache.put(ref, audio);
    await archiveCopy(ref, audio);
    return stored;
  }

  function singleFlight(ref: RecordingRef): Promise<CachedRecording> {
    const key = `${ref.accountId}-${ref.recordingId}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = load(ref).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    /** The recording on local disk, fetched if need be. Throws RingCentral's classified errors. */
    open: singleFlight,
    /** Remember where RingCentral serves a recording, so a first play costs one request, not two. */
    remember,
    /**
     * Make sure the archive holds the recording (the background job). Answers false when there is no
     * archive. Throws to be retried when RingCentral or the archive fails.
     */
    async ensureArchived(ref: RecordingRef): Promise<boolean> {
      if (!archive) return false;
      if (await archive.has(ref)) return true;
      const cached = await cache.get(ref);
      const audio = cached ? await readAudio(cached) : await fromRingCentral(ref);
      if (!cached) await cache.put(ref, audio);
      await archive.put(ref, audio);
      metrics.recordingsArchived.inc();
      return true;
    },
  };
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;

async function readAudio(cached: CachedRecording): Promise<Audio> {
  return { bytes: await readFile(cached.path), contentType: cached.contentType };
}
