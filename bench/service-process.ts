export { freePort } from '../src/infra/free-port.js';
import { spawn, type ChildProcess } from 'node:child_process';

/** Run an rc-enrich entry point (src/main.ts or the CLI) as its own process, as production does. */
export function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string | undefined>,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Poll /health/ready until the service says it can work. */
export async function waitUntilReady(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service at ${baseUrl} was not ready within ${timeoutMs} ms`);
}

/** One value of a Prometheus text exposition, e.g. rc_enrich_process_resident_memory_bytes. */
export async function scrape(baseUrl: string, metric: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${metric} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}
