import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { Visibility } from './listing-plan.js';

/**
 * What one match taught about RingCentral's visibility delay, relative to the call's end: the record
 * was absent from a listing sent `absentMs` after the end (0 if none was) and present in one sent
 * `presentMs` after it. The delay lies in between.
 */
export interface VisibilitySample {
  absentMs: number;
  presentMs: number;
}

/** Fewer samples than this teach nothing yet: the configured delays stand. */
const minSamples = 20;
/** The learned window stays inside these, whatever a few odd samples say. */
const floorMs = 500;
const ceilingMs = 30_000;

/**
 * The visibility window learned from recent matches: from the 5th percentile of the "present" bounds
 * (records showing that early are common enough to list for) to the 95th percentile of the "absent"
 * bounds (records that late exist). Until enough matches are seen: `configured`.
 */
export function learnVisibility(samples: VisibilitySample[], configured: Visibility): Visibility {
  if (samples.length < minSamples) return configured;
  const clamp = (ms: number) => Math.min(ceilingMs, Math.max(floorMs, ms));
  const minMs = clamp(
    quantile(
      samples.map((s) => s.presentMs),
      0.05,
    ),
  );
  const maxMs = clamp(
    Math.max(
      quantile(
        samples.map((s) => s.absentMs),
        0.95,
      ),
      minMs + 1_000,
    ),
  );
  return { minMs, maxMs };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The latest samples of every process, in Redis; read at most once a few seconds per process. */
export function createVisibilityStore(redis: Redis, keys: Keys, configured: Visibility, keep = 200) {
  let cached: { at: number; value: Visibility } | undefined;
  return {
    async record(sample: VisibilitySample): Promise<void> {
      const key = keys.visibilitySamples();
      await redis
        .multi()
        .lpush(key, `${Math.round(sample.absentMs)}:${Math.round(sample.presentMs)}`)
        .ltrim(key, 0, keep - 1)
        .expire(key, 7 * 24 * 3600)
        .exec();
    },
    async current(now = Date.now()): Promise<Visibility> {
      if (cached && now - cached.at < 5_000) return cached.value;
      const raw = await redis.lrange(keys.visibilitySamples(), 0, keep - 1);
      const samples = raw.flatMap((entry) => {
        const [absentMs, presentMs] = entry.split(':').map(Number);
        return absentMs !== undefined && presentMs !== undefined && presentMs >= absentMs
          ? [{ absentMs, presentMs }]
          : [];
      });
      cached = { at: now, value: learnVisibility(samples, configured) };
      return cached.value;
    },
  };
}

export type VisibilityStore = ReturnType<typeof createVisibilityStore>;
