import type { EnrichedCall, RecordingLink } from '../calls/types.js';
import { signRecordingLink, type LinkSettings, type RecordingRef } from './link.js';

/** Each distinct recording in the call's records, with where RingCentral serves its audio. */
export function recordingsOf(call: EnrichedCall): Array<RecordingRef & { contentUri?: string }> {
  const seen = new Map<string, RecordingRef & { contentUri?: string }>();
  for (const record of call.records) {
    const recording = record.recording;
    if (!recording?.id || seen.has(recording.id)) continue;
    seen.set(recording.id, {
      accountId: call.accountId,
      recordingId: String(recording.id),
      contentUri: recording.contentUri,
    });
  }
  return [...seen.values()];
}

/** The playable links a delivery carries: one per recording, all expiring together. */
export function recordingLinksFor(call: EnrichedCall, settings: LinkSettings, now: number): RecordingLink[] {
  const expiresAt = new Date(Math.floor((now + settings.lifetimeMs) / 1000) * 1000).toISOString();
  return recordingsOf(call).map((ref) => ({
    id: ref.recordingId,
    url: signRecordingLink(ref, settings, now),
    expiresAt,
  }));
}
