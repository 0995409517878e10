import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingRef } from './link.js';

/** Audio as it came from RingCentral or the archive. */
export interface Audio {
  bytes: Buffer;
  contentType: string;
}

/** A recording on local disk, ready to stream. */
export interface CachedRecording {
  path: string;
  size: number;
  contentType: string;
}

const extensions: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
};
const contentTypes: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  bin: 'application/octet-stream',
};

/** `809646016-6469338004.mp3`: the extension keeps the content type across restarts, no sidecar file. */
const fileName = (ref: RecordingRef, contentType: string) =>
  `${ref.accountId}-${ref.recordingId}.${extensions[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin'}`;
const filePattern = /^([A-Za-z0-9_]+)-([A-Za-z0-9_-]+)\.(mp3|wav|bin)$/;

/**
 * A bounded local cache of recordings on disk: replays and seeks are served from here without another
 * RingCentral request. Least recently used files go first once `maxBytes` is passed. Files written by an
 * earlier run are picked up at start, so a restart does not cost every recording a new download.
 */
export function createRecordingCache(options: { dir: string; maxBytes: number }) {
  const entries = new Map<string, CachedRecording & { usedAt: number }>();
  let total = 0;
  let ready: Promise<void> | undefined;
  const keyOf = (ref: RecordingRef) => `${ref.accountId}-${ref.recordingId}`;

  async function load(): Promise<void> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(options.dir)) {
      const match = filePattern.exec(name);
      if (!match) continue;
      const path = join(options.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      entries.set(`${match[1]}-${match[2]}`, {
        path,
        size: info.size,
        contentType: contentTypes[match[3]!]!,
        usedAt: info.mtimeMs,
      });
      total += info.size;
    }
    await evict();
  }
  const init = () => (ready ??= load());

  async function evict(keep?: string): Promise<void> {
    const oldestFirst = [...entries.entries()].sort(([, a], [, b]) => a.usedAt - b.usedAt);
    for (const [key, entry] of oldestFirst) {
      if (total <= options.maxBytes) break;
      if (key === keep) continue;
      entries.delete(key);
      total -= entry.size;
      // A reader streaming this file keeps its open descriptor: unlinking does not cut a playback.
      await rm(entry.path, { force: true });
    }
  }

  return {
    async get(ref: RecordingRef): Promise<CachedRecording | undefined> {
      await init();
      const entry = entries.get(keyOf(ref));
      if (!entry) return undefined;
      entry.usedAt = Date.now();
      return { path: entry.path, size: entry.size, contentType: entry.contentType };
    },
    async put(ref: RecordingRef, audio: Audio): Promise<CachedRecording> {
      await init();
      const key = keyOf(ref);
      const path = join(options.dir, fileName(ref, audio.contentType));
      // Write then rename: a reader never sees half a file, a crash leaves only a temp file behind.
      const temp = `${path}.${process.pid}.${Date.now()}.part`;
      await writeFile(temp, audio.bytes, { mode: 0o600 });
      await rename(temp, path);
      const previous = entries.get(key);
      if (previous) total -= previous.size;
      const contentType = contentTypes[path.slice(path.lastIndexOf('.') + 1)]!;
      entries.set(key, { path, size: audio.bytes.length, contentType, usedAt: Date.now() });
      total += audio.bytes.length;
      await evict(key);
      return { path, size: audio.bytes.length, contentType };
    },
    /** Bytes held now (for the gauge). */
    size: () => total,
  };
}

export type RecordingCache = ReturnType<typeof createRecordingCache>;
