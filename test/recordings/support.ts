import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { FakeRingCentralOptions } from '../../src/fake-ringcentral/index.js';
import { startStack, type Stack } from '../helpers/stack.js';

export const linkSecret = 'a-test-secret-that-is-long-enough-0123456789';

/**
 * The real service with recording links on and its own cache folder, against the simulator; both are
 * removed after each test. `current()` is the stack of the running test.
 */
export function useRecordingStack() {
  let stack: Stack | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return {
    /** A fresh, empty folder removed after the test (a second instance's cache, say). */
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'rc-enrich-test-recordings-'));
      dirs.push(dir);
      return dir;
    },
    async start(options: { fake?: FakeRingCentralOptions; env?: Record<string, string> } = {}) {
      const env = {
        RECORDING_LINK_SECRET: linkSecret,
        RECORDINGS_CACHE_DIR: await this.tempDir(),
        ...options.env,
      };
      stack = await startStack({ fake: options.fake, env });
      return stack;
    },
  };
}
