import { startPlayground, startSimulator, type Simulator } from '../../src/demo/playground.js';
import type { FakeRingCentralOptions } from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import type { RunningService } from '../../src/runtime.js';
import { testEnv } from '../helpers/config.js';

export interface Harness extends Simulator {
  /** The service listening at PUBLIC_URL; undefined with `service: false`. */
  running?: RunningService;
}

/**
 * The playground (src/demo/playground.ts) with the service listening at PUBLIC_URL but not yet
 * subscribed, so the simulator's subscription endpoint performs the real handshake against it when a
 * test subscribes. `service: false` leaves PUBLIC_URL unanswered (handshake failures).
 */
export async function startHarness(
  options: {
    role?: 'api' | 'all';
    service?: boolean;
    env?: Record<string, string>;
    fake?: FakeRingCentralOptions;
  } = {},
): Promise<Harness> {
  const settings = {
    overrides: testEnv({ ROLE: options.role ?? 'api', CRM_ADAPTER: 'stdout', ...options.env }),
    fake: options.fake,
    logger: createLogger('silent'),
  };
  if (options.service === false) return startSimulator(settings);
  const playground = await startPlayground({ ...settings, start: 'listening' });
  return { ...playground, running: playground.service };
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
