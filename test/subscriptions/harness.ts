import { createServer } from 'node:net';
import type { Config } from '../../src/config.js';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';

/** A port nobody listens on right now (the OS picks it; we close it again at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Harness {
  fake: FakeRingCentral;
  config: Config;
  /** PUBLIC_URL: where the service listens (or would, when `service: false`). */
  publicUrl: string;
  running?: RunningService;
  /** Another config on the same Redis prefix and fake (e.g. another PUBLIC_URL). */
  configWith(env: Record<string, string>): Config;
  close(): Promise<void>;
}

/**
 * The fake RingCentral platform plus the real service listening at PUBLIC_URL, so the fake's
 * subscription endpoint performs the real handshake against it. `service: false` leaves PUBLIC_URL
 * unanswered (handshake failures).
 */
export async function startHarness(
  options: {
    role?: 'api' | 'all';
    service?: boolean;
    env?: Record<string, string>;
    fake?: FakeRingCentralOptions;
  } = {},
): Promise<Harness> {
  const fake = createFakeRingCentral(options.fake);
  await fake.listen();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const baseEnv = {
    ROLE: options.role ?? 'api',
    RINGCENTRAL_SERVER_URL: fake.url,
    PUBLIC_URL: publicUrl,
    CRM_ADAPTER: 'stdout',
    ...options.env,
  };
  const config = testConfig(baseEnv);
  const configWith = (env: Record<string, string>) =>
    testConfig({ ...baseEnv, QUEUE_PREFIX: config.queuePrefix, ...env });
  let running: RunningService | undefined;
  try {
    if (options.service ?? true) {
      running = await startService(config, createLogger('silent'));
      await running.app.listen({ port, host: '127.0.0.1' });
    }
  } catch (err) {
    await fake.close();
    throw err;
  }
  return {
    fake,
    config,
    publicUrl,
    running,
    configWith,
    async close() {
      await running?.close();
      await fake.close();
      await cleanupPrefix(config.queuePrefix);
    },
  };
}

/** Collects what a command prints. */
export function captureOutput() {
  const out: string[] = [];
  const warnings: string[] = [];
  return {
    out,
    warnings,
    output: { out: (line: string) => out.push(line), warn: (line: string) => warnings.push(line) },
    text: () => out.join('\n'),
  };
}
