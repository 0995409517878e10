import { Webhook } from 'standardwebhooks';
import { startLoopback, type Loopback } from './loopback.js';

/**
 * A webhook receiver that does what Standard Webhooks asks of receivers: verify the signature (with the
 * `standardwebhooks` library, 5-minute tolerance) and dedupe on `webhook-id`, keeping one record per id.
 * With `dedupeHeader: 'idempotency-key'` and `apiKey` it doubles as the made-up REST CRM of the
 * examples/ adapter (Acme CRM: `Idempotency-Key` header, bearer API key, 201 created / 200 replayed).
 */
export interface WebhookReceiver extends Loopback {
  /** One entry per distinct dedupe key: what the receiver holds. */
  records: Map<string, { id: string; body: unknown }>;
  /** Requests whose signature did not verify (always answered 400). */
  rejected: number;
}

export async function startWebhookReceiver(
  options: { secret?: string; dedupeHeader?: string; apiKey?: string } = {},
): Promise<WebhookReceiver> {
  const dedupeHeader = options.dedupeHeader ?? 'webhook-id';
  const verifier = options.secret ? new Webhook(options.secret) : undefined;
  const records = new Map<string, { id: string; body: unknown }>();
  let rejected = 0;
  let sequence = 0;

  const loopback = await startLoopback((request) => {
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return { status: 401, body: { error: 'invalid API key' } };
    }
    if (verifier) {
      try {
        verifier.verify(request.body, request.headers);
      } catch (err) {
        rejected++;
        return { status: 400, body: { error: `signature: ${(err as Error).message}` } };
      }
    }
    const key = request.headers[dedupeHeader];
    if (!key) return { status: 400, body: { error: `missing ${dedupeHeader} header` } };
    const existing = records.get(key);
    if (existing) return { status: 200, body: { id: existing.id, replayed: true } };
    const id = `rec_${++sequence}`;
    records.set(key, { id, body: request.json });
    return { status: 201, body: { id } };
  });

  return Object.defineProperties(loopback, {
    records: { value: records },
    rejected: { get: () => rejected },
  }) as WebhookReceiver;
}
