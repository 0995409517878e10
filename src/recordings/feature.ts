import type { Job } from 'bullmq';
import type { EnrichedCall } from '../calls/types.js';
import type { Feature, FeatureFactory } from '../feature.js';
import { createRecordingArchive } from './archive.js';
import { createRecordingCache } from './cache.js';
import type { RecordingRef } from './link.js';
import { recordingLinksFor, recordingsOf } from './links.js';
import { recordingLinkRoute } from './route.js';
import { createRecordingStore } from './store.js';

export const ARCHIVE_JOB = 'archive-recording';

/**
 * Recordings that play in the CRM: a signed link per recording on every delivery (when
 * RECORDING_LINK_SECRET and PUBLIC_URL are set), the route that streams it from a local cache, and,
 * with RECORDINGS_ARCHIVE, a background copy of each recording to S3 that outlives RingCentral's 90 days.
 */
export const recordingsFeature: FeatureFactory = (context) => {
  const { config, logger, queues, metrics } = context;
  const settings = config.recordings;
  const cache = createRecordingCache({ dir: settings.cacheDir, maxBytes: settings.cacheMaxBytes });
  const archive = settings.archive ? createRecordingArchive(settings.archive) : undefined;
  const store = createRecordingStore({
    cache,
    archive,
    ringcentral: context.ringcentral,
    redis: context.workerRedis,
    keys: context.keys,
    metrics,
    logger,
  });

  const publicUrl = config.webhook.publicUrl;
  const links =
    settings.linkSecret && publicUrl
      ? { publicUrl, secret: settings.linkSecret, lifetimeMs: settings.linkLifetimeMs }
      : undefined;
  if (!links) {
    logger.info(
      settings.linkSecret
        ? 'recording links are off: set PUBLIC_URL so CRM records can link to recordings'
        : 'recording links are off: set RECORDING_LINK_SECRET (and PUBLIC_URL) so recordings play in the CRM',
    );
  }

  const feature: Feature = {
    name: 'recordings',
    plugins:
      links && config.role !== 'worker'
        ? [recordingLinkRoute({ store, secret: links.secret, metrics, logger })]
        : [],
    maintenance: [
      {
        name: ARCHIVE_JOB,
        handler: async (job: Job) => {
          const ref = job.data as RecordingRef;
          await store.ensureArchived(ref);
          await context.story.add(String(job.data.telephonySessionId), {
            step: 'recording',
            recordingId: ref.recordingId,
            state: 'archived',
          });
        },
      },
    ],
    close: async () => archive?.close(),
    async beforeDelivery(call: EnrichedCall): Promise<EnrichedCall> {
      const recordings = recordingsOf(call);
      if (recordings.length === 0) return call;
      // Remembered so a first play costs one RingCentral request (the audio), not two.
      for (const ref of recordings) if (ref.contentUri) await store.remember(ref, ref.contentUri);
      if (archive) {
        await queues.maintenance.addBulk(
          recordings.map((ref) => ({
            name: ARCHIVE_JOB,
            data: {
              accountId: ref.accountId,
              recordingId: ref.recordingId,
              telephonySessionId: call.telephonySessionId,
            },
            opts: {
              jobId: `${ARCHIVE_JOB}-${ref.accountId}-${ref.recordingId}`,
              // Background work: RingCentral's Heavy budget may be busy for a while; keep trying for a day.
              attempts: 12,
              backoff: { type: 'exponential', delay: 60_000 },
              removeOnComplete: { age: 24 * 3600 },
            },
          })),
        );
      }
      // Expiry counts from the call's end, so every attempt (and a replay) carries the very same links.
      return links ? { ...call, recordings: recordingLinksFor(call, links, Date.parse(call.endedAt)) } : call;
    },
  };
  return feature;
};
