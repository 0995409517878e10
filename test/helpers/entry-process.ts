import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Arguments for `node` to run one of our TypeScript entry points (`src/main.ts`, `src/cli/main.ts`)
 * through tsx from any working directory. Entry points read `.env` from their working directory, so
 * tests run them from a directory they control rather than the checkout, where a developer's own
 * `.env` may sit.
 */
export function entryArgs(entry: string, args: string[] = []): string[] {
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  return ['--import', tsx, resolve(entry), ...args];
}

/** A fresh empty working directory (no `.env`). */
export function emptyWorkingDir(): string {
  return mkdtempSync(join(tmpdir(), 'rc-enrich-cwd-'));
}

export interface EntryProcess {
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code once it has exited. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Start an entry point (e.g. `src/main.ts`, as `npm start` runs it) with exactly this environment. */
export function startEntry(
  entry: string,
  options: { cwd: string; env: Record<string, string | undefined>; args?: string[] },
): EntryProcess {
  const child = spawn(process.execPath, entryArgs(entry, options.args), {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
