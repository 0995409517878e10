import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapters } from '../../src/adapters/load.js';
import { createLogger } from '../../src/infra/logger.js';

const page = readFileSync('docs/custom-adapter.md', 'utf8');
/** The shell commands of step 1, as a reader would paste them. */
const step1 = /\*\*1\. Copy the example\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(page)?.[1] ?? '';

describe('docs › write your own CRM adapter', () => {
  it('step 1 copies the example into adapters/ in a fresh checkout, and step 3 loads what it copied', async () => {
    const copyLine = step1.split('\n').find((line) => line.includes('cp examples/crm-adapter/acme-crm.mjs'));
    expect(copyLine).toBeDefined();
    const checkout = mkdtempSync(join(tmpdir(), 'rc-enrich-walkthrough-'));
    cpSync('examples', join(checkout, 'examples'), { recursive: true });

    execFileSync('sh', ['-ec', copyLine!], { cwd: checkout });

    const copied = readFileSync(join(checkout, 'adapters/my-crm.mjs'), 'utf8');
    expect(copied).toBe(readFileSync('examples/crm-adapter/acme-crm.mjs', 'utf8'));
    const [adapter] = await loadAdapters(['./adapters/my-crm.mjs'], {
      cwd: checkout,
      env: { ACME_CRM_URL: 'http://127.0.0.1:9', ACME_CRM_API_KEY: 'key' },
      logger: createLogger('silent'),
    });
    expect(typeof adapter?.deliver).toBe('function');
    await adapter?.close?.();
  });
});
