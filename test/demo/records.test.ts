import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followLines } from '../../src/demo/records.js';

describe('demo › following the records file', () => {
  it('returns each complete line once, holding back a line still being written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rc-enrich-follow-')), 'calls.ndjson');
    const next = followLines(path);
    expect(await next()).toEqual([]); // not created yet
    appendFileSync(path, '{"a":1}\n{"b":');
    expect(await next()).toEqual(['{"a":1}']);
    expect(await next()).toEqual([]);
    appendFileSync(path, '2}\n');
    expect(await next()).toEqual(['{"b":2}']);
  });
});
