import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../../src/fake-ringcentral/index.js';
import { withSubscriptions } from '../../src/cli/subscription-support.js';
import { freePort } from '../../src/infra/free-port.js';
import { createLogger } from '../../src/infra/logger.js';
import { webhookAddress } from '../../src/webhook/path.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.js';
import { cleanupPrefix, testConfig } from './config.js';

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

export interface Stack {
  fake: FakeRingCentral;
  crm: WebhookReceiver;
  services: RunningService[];
  /** The webhook URL of the first service (the one RingCentral posts to). */
  webhookUrl: string;
  env: Record<string, string>;
  startAnother(env?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

/**
 * The real service (runtime.ts, as `npm start` runs it) between the RingCentral simulator and a
 * Standard Webhooks receiver standing in for the CRM, all on loopback, subscribed the real way.
 */
export async function startStack(
  options: { fake?: FakeRingCentralOptions; env?: Record<string, string>; logger?: Logger } = {},
): Promise<Stack> {
  const fake = createFakeRingCentral({ ...fastFake, ...options.fake });
  await fake.listen(0, '127.0.0.1');
  const crm = await startWebhookReceiver({ secret: crmSecret });
  const port = await freePort();
  const base = testConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    RINGCENTRAL_SERVER_URL: fake.url,
    CRM_ADAPTER: 'webhook',
    CRM_WEBHOOK_URL: `${crm.url}/calls`,
    CRM_WEBHOOK_SECRET: crmSecret,
    ...fastBudget,
    ...options.env,
  });
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(base.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const logger = options.logger ?? createLogger('silent');
  const services: RunningService[] = [];
  const startAnother = async (extra: Record<string, string> = {}) => {
    const service = await startService(testConfig({ ...env, ...extra }), logger);
    services.push(service);
    return service;
  };
  const first = await startAnother();
  await first.app.listen({ port: base.port, host: '127.0.0.1' });
  // Registered the way `rc-enrich subscribe` does it; the simulator runs the real handshake.
  await withSubscriptions(first.config, ({ manager }) => manager.ensure({ allowCreate: true }));
  const webhookUrl = webhookAddress(base.webhook.publicUrl!);

  return {
    fake,
    crm,
    services,
    webhookUrl,
    env,
    startAnother,
    async close() {
      for (const service of services) await service.close();
      await fake.close();
      await crm.close();
      await cleanupPrefix(base.queuePrefix);
    },
  };
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
