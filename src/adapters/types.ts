import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EnrichedCall } from '../calls/types.js';
import type { ExtensionDirectory } from './directory.js';
import type { CallOutcome } from './outcome.js';
import type { OwnerMap } from './owners/map-file.js';
import type { OwnerDecision } from './owners/ownership.js';
import type { CallChange } from '../late-data/decide.js';

export type { CallChange };

/**
 * The CRM adapter contract: all rc-enrich asks of a CRM integration.
 *
 * - `deliver(call, ctx)` resolves once the CRM holds the record (optionally with the CRM's own id).
 *   It throws to be retried later (network errors, 5xx, 429: throw a `RetryableDeliveryError` with
 *   `retryAfterMs` to say when), or throws a `PermanentDeliveryError` to send the call straight to the
 *   dead letters (bad credentials, a 4xx that retrying cannot fix). Any other error is retried.
 *   A module that cannot import our classes sets `permanent = true` on its error to give up, and
 *   `retryAfterMs` (a number) to wait at least that long; the deliver worker honours both.
 * - Delivery is at least once: the same call can reach `deliver` again after a crash, a timeout or a
 *   dead-letter replay, so an adapter must use `ctx.idempotencyKey` (the same for every attempt at one
 *   call) to avoid duplicates.
 * - `deliver` must honour `ctx.signal`: when it aborts, stop and throw (the attempt is retried).
 * - `close()` releases what the adapter opened (sockets, files); it is called once at shutdown, and
 *   may be called when nothing was delivered.
 * - Calls the operator filtered out (CRM_FILTER_*, `shouldDeliver` in deliver/call-filter.ts, checked by the deliver
 *   worker) never reach `deliver`.
 *
 * A module named in CRM_ADAPTER default-exports an `AdapterFactory`; built-in adapters are made the same
 * way. The factory reads and validates its settings from `options.env` and throws, naming the variable,
 * when one is missing or wrong: that stops the start. One adapter instance serves concurrent deliveries.
 */
export interface CrmAdapter {
  readonly name: string;
  deliver(call: EnrichedCall, ctx: DeliveryContext): Promise<DeliveryResult | void>;
  /**
   * Optional. The call gained data after `deliver` succeeded: a recording RingCentral was still
   * processing (`changes` has 'recording'), or RingCentral's record for a call first delivered from
   * notifications alone ('records'). Update the record `deliver` wrote for this call (find it with
   * `ctx.idempotencyKey`, the same key as the delivery) and never create a second one. Set only what
   * rc-enrich wrote and a person would not type (the recording link, numbers, duration); leave fields
   * a user may have edited alone. Errors mean what they mean for `deliver`. Adapters without `update`
   * are skipped, and the call's story says so.
   */
  update?(call: EnrichedCall, ctx: UpdateContext): Promise<DeliveryResult | void>;
  close?(): Promise<void> | void;
}

export interface UpdateContext extends DeliveryContext {
  /** What is new since the delivery. */
  changes: CallChange[];
  /** Stable for every attempt at this update and different from the delivery's key (e.g. a webhook id). */
  updateKey: string;
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
  /** Who the record was assigned to and why (owners/ownership.ts), for the call's story and metrics. */
  owner?: OwnerDecision;
  /** The outcome written, as the caller lived it (legs.ts). */
  outcome?: CallOutcome;
}

export interface AdapterOptions {
  /** The service's environment, for the adapter's own settings (e.g. CRM_WEBHOOK_URL). Never log it. */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Injectable transport for tests and proxies; defaults to global fetch. */
  fetch?: typeof fetch;
  /** Redis for adapters that keep state (e.g. call -> CRM id), under `keyPrefix`. */
  redis?: Redis;
  /**
   * The service's key prefix (`createKeys(queuePrefix).keyPrefix`, `{<QUEUE_PREFIX>}:rc`); an adapter
   * keeps its keys under `${keyPrefix}:adapter:<name>:…` (= `keys.adapter(name)`), each with a TTL.
   */
  keyPrefix?: string;
  /** RingCentral's extension and account facts, for owner mapping and the time zone (absent: no lookups). */
  directory?: ExtensionDirectory;
  /** CRM_OWNER_MAP, read and checked at start. */
  ownerMap?: OwnerMap;
  /** CRM_TIME_ZONE (an IANA name) when set; otherwise the account's time zone, else UTC. */
  timeZone?: string;
}

// Defined in directory.ts (which imports nothing of this file), part of the contract all the same.
export type { ExtensionDirectory, ExtensionInfo } from './directory.js';

export type AdapterFactory = (options: AdapterOptions) => CrmAdapter | Promise<CrmAdapter>;
