import type { EnrichedCall } from '../calls/types.js';
import type { Config } from '../config.js';
import { deliverJobId, type Queues } from '../queues.js';
import { idempotencyKeyFor } from './idempotency.js';

/**
 * One deliver job per call and configured adapter, so one CRM being down never holds back another.
 * Job ids come from the call: scheduling twice (a crash and a re-run) adds nothing.
 */
export function createDeliveryScheduler(queues: Queues, config: Config) {
  return {
    /** `adapters`: only these (a recovery skips the adapters that already have the call). */
    async schedule(call: EnrichedCall, adapters: readonly string[] = config.crm.adapters): Promise<void> {
      const idempotencyKey = idempotencyKeyFor(call.accountId, call.telephonySessionId);
      await queues.deliver.addBulk(
        adapters.map((adapter) => ({
          name: 'deliver',
          data: { adapter, idempotencyKey, call },
          opts: {
            jobId: deliverJobId(adapter, call.telephonySessionId),
            attempts: config.delivery.attempts,
            backoff: { type: 'crm' },
          },
        })),
      );
    },
  };
}

export type DeliveryScheduler = ReturnType<typeof createDeliveryScheduler>;
