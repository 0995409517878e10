import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from './chromium.js';

const empty = mkdtempSync(join(tmpdir(), 'rc-enrich-path-empty-'));
const withBrowser = mkdtempSync(join(tmpdir(), 'rc-enrich-path-browser-'));
const browser = join(withBrowser, 'chromium-browser');
writeFileSync(browser, '#!/bin/sh\n');
chmodSync(browser, 0o755);
const notExecutable = mkdtempSync(join(tmpdir(), 'rc-enrich-path-noexec-'));
writeFileSync(join(notExecutable, 'chromium'), '');

afterAll(() => {
  for (const dir of [empty, withBrowser, notExecutable]) rmSync(dir, { recursive: true, force: true });
});

describe('browser tests › finding Chromium', () => {
  it('finds it anywhere on PATH, under any of its usual names', () => {
    expect(findChromium([empty, withBrowser].join(delimiter))).toBe(browser);
  });

  it('finds nothing when PATH holds no executable Chromium', () => {
    expect(findChromium([empty, notExecutable].join(delimiter))).toBeUndefined();
    expect(findChromium('')).toBeUndefined();
  });
});
