import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/config.js';
import { emptyWorkingDir, entryArgs } from '../helpers/entry-process.js';

/** `rc-enrich demo` as a newcomer runs it, from a directory without `.env`. */
const demo = (args: string[] = []) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      entryArgs('src/cli/main.ts', ['demo', ...args]),
      { cwd: emptyWorkingDir(), env: { PATH: process.env.PATH, REDIS_URL: redisUrl }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
    );
  });

describe('cli › demo', () => {
  it('shows one labelled line per delivered call, a summary and what to do next, in a screenful', async () => {
    const { code, stdout, stderr } = await demo();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const delivered = stdout.split('\n').filter((line) => line.startsWith('  delivered  s-'));
    expect(delivered).toHaveLength(5);
    expect(delivered.join('\n')).toContain('Inbound call from +1 (415) 555-0100 Ada Lovelace  connected');
    expect(delivered.join('\n')).toMatch(/call-log +Inbound call from \+1 \(617\) 555-0142/);
    expect(stdout).toContain('All calls enriched and delivered.');
    expect(stdout).toContain('What next:');
    expect(stdout).toContain('npx rc-enrich simulate');
    expect(stdout.split('\n').length).toBeLessThan(30);
    expect(stdout).not.toContain('{');
  });

  it('--json: the records alone on stdout, one JSON line each, ready for jq', async () => {
    const { code, stdout, stderr } = await demo(['--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    const events = lines.map((line) => JSON.parse(line) as { type: string; data: { source: string } });
    expect(events.every((event) => event.type === 'call.enriched')).toBe(true);
    expect(events.map((event) => event.data.source).sort()).toEqual([
      'active-calls',
      'active-calls',
      'active-calls',
      'active-calls',
      'call-log',
    ]);
    expect(stderr).toContain('All calls enriched and delivered.');
  });
});
