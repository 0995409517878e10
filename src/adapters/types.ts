import type { Logger } from 'pino';
import type { EnrichedCall } from '../calls/types.js';

/**
 * The CRM adapter contract: all rc-enrich asks of a CRM integration.
 *
 * - `deliver(call, ctx)` resolves once the CRM holds the record (optionally with the CRM's own id).
 *   It throws to be retried later (network errors, 5xx, 429: throw a `RetryableDeliveryError` with
 *   `retryAfterMs` to say when), or throws a `PermanentDeliveryError` to send the call straight to the
 *   dead letters (bad credentials, a 4xx that retrying cannot fix). Any other error is retried.
 * - Delivery is at least once: the same call can reach `deliver` again after a crash, so an adapter
 *   must use `ctx.idempotencyKey` (the same for every attempt at one call) to avoid duplicates.
 * - `close()` releases what the adapter opened (sockets, files); it is called once at shutdown.
 *
 * A module named in CRM_ADAPTER default-exports an `AdapterFactory`; built-in adapters are made the same way.
 */
export interface CrmAdapter {
  readonly name: string;
  deliver(call: EnrichedCall, ctx: DeliveryContext): Promise<DeliveryResult | void>;
  close?(): Promise<void> | void;
}

export interface DeliveryContext {
  /** Stable per call (and adapter): the same on every attempt, safe as a CRM idempotency key. */
  idempotencyKey: string;
  /** 1 on the first attempt. */
  attempt: number;
  logger: Logger;
  /** Aborted when the delivery times out or the service shuts down. */
  signal: AbortSignal;
}

export interface DeliveryResult {
  /** The CRM's own id for the record it created or updated. */
  crmId?: string;
}

export interface AdapterOptions {
  /** The service's environment, for the adapter's own settings (e.g. CRM_WEBHOOK_URL). */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Injectable transport for tests and proxies; defaults to global fetch. */
  fetch?: typeof fetch;
  /** Redis for adapters that keep state (e.g. call -> CRM id), namespaced under `keyPrefix`. */
  redis?: import('ioredis').Redis;
  keyPrefix?: string;
}

export type AdapterFactory = (options: AdapterOptions) => CrmAdapter | Promise<CrmAdapter>;
