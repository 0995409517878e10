import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { nextScan } from '../../src/reconcile/reconciler.js';

const settings = parseConfig({}).reconcile;
const now = Date.parse('2026-11-30T12:00:00Z');
const hour = 3_600_000;

describe('reconcile › next scan', () => {
  it.each([
    ['first run: from when reconcile was turned on', { enabledAt: now - 10_000 }, now - 10_000],
    [
      'after a scan: the watermark minus the overlap',
      { enabledAt: now - 48 * hour, watermark: now - 300_000 },
      now - 300_000 - hour,
    ],
    [
      'after a long outage: no further back than the horizon',
      { enabledAt: now - 30 * 24 * hour, watermark: now - 20 * 24 * hour },
      now - 7 * 24 * hour,
    ],
    ['never before it was turned on', { enabledAt: now - 60_000, watermark: now - 30_000 }, now - 60_000],
  ])('%s', (_name, state, from) => {
    expect(nextScan(state, settings, now)).toEqual({ from, to: now, page: 1, scanned: 0, recovered: 0 });
  });

  it('a scan under way resumes at its page', () => {
    const cursor = { from: now - hour, to: now - 60_000, page: 4, scanned: 3000, recovered: 2 };
    expect(nextScan({ cursor, watermark: now - 2 * hour }, settings, now)).toBe(cursor);
  });
});
