import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { startPlayground, type Playground } from '../../src/demo/playground.js';
import type { FakeRingCentralOptions } from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.js';
import { testEnv } from './config.js';

export const crmSecret = `whsec_${randomBytes(32).toString('base64')}`;

/** Fast figures for the simulator, matching testConfig()'s service timings. */
export const fastFake: FakeRingCentralOptions = {
  activeCallsVisibilityMs: [50, 250],
  activeCallsRetentionMs: 4_000,
  callLogVisibilityMs: [300, 600],
  rateLimits: { Heavy: { limit: 10, windowMs: 3_000, penaltyMs: 3_000 } },
  seed: 7,
};

/** testConfig() settings that pair with fastFake's Heavy limit. */
export const fastBudget = { RC_HEAVY_LIMIT: '10', RC_HEAVY_WINDOW_MS: '3000', RC_HEAVY_SAFETY_MS: '100' };

export interface Stack extends Playground {
  /** The CRM: a Standard Webhooks receiver the `webhook` adapter delivers to. */
  crm: WebhookReceiver;
}

/**
 * The playground (src/demo/playground.ts: the real service, subscribed to the RingCentral simulator)
 * with test timings, delivering to a Standard Webhooks receiver that stands in for the CRM.
 */
export async function startStack(
  options: { fake?: FakeRingCentralOptions; env?: Record<string, string>; logger?: Logger } = {},
): Promise<Stack> {
  const crm = await startWebhookReceiver({ secret: crmSecret });
  try {
    const playground = await startPlayground({
      overrides: testEnv({
        CRM_ADAPTER: 'webhook',
        CRM_WEBHOOK_URL: `${crm.url}/calls`,
        CRM_WEBHOOK_SECRET: crmSecret,
        ...fastBudget,
        ...options.env,
      }),
      fake: { ...fastFake, ...options.fake },
      logger: options.logger ?? createLogger('silent'),
    });
    return {
      ...playground,
      crm,
      async close() {
        await playground.close();
        await crm.close();
      },
    };
  } catch (err) {
    await crm.close();
    throw err;
  }
}
/** The CRM's records, by telephonySessionId. */
export function deliveredCalls(crm: WebhookReceiver): Map<string, { source: string; records: unknown[] }> {
  const calls = new Map<string, { source: string; records: unknown[] }>();
  for (const { body } of crm.records.values()) {
    const data = (body as { data: { telephonySessionId: string; source: string; records: unknown[] } }).data;
    calls.set(data.telephonySessionId, data);
  }
  return calls;
}
