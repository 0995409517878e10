import { PermanentDeliveryError, RetryableDeliveryError } from '../errors.js';
import { wasRefused } from './http.js';
import type { RecordIds } from './record-ids.js';
import type { DeliveryContext, DeliveryResult } from './types.js';

/**
 * What a CRM adapter does to one call's record. Each member only talks to the CRM; `createOnce`
 * decides which one runs, so an adapter that plugs in never writes a second record for one call.
 */
export interface CrmRecordWriter {
  /**
   * Look in the CRM for the record an attempt that started at `pendingSince` (epoch ms) may have
   * created before it died. Leave it out when `create` is itself idempotent on the key (an upsert on
   * an external id): then no "pending" mark is needed at all.
   */
  find?(pendingSince: number, signal: AbortSignal): Promise<string | undefined>;
  /** Create the record and resolve with the CRM's id. An error made with `markRefused` wrote nothing. */
  create(signal: AbortSignal): Promise<string | undefined>;
  /** Update the record with this id; false when it no longer exists (someone deleted it in the CRM). */
  update(id: string, signal: AbortSignal): Promise<boolean>;
}

export interface CreateOnceOptions {
  /** The adapter's name, first word of every log line and error. */
  adapter: string;
  /** The CRM's name and its word for the record, for messages ("HubSpot", "call"). */
  crm: string;
  record: string;
  records: RecordIds;
  /**
   * How long `find` may miss a record just created (HubSpot's search index lags its writes). While a
   * pending mark is younger than this and `find` finds nothing, the attempt is retried later rather
   * than risk a duplicate. 0 (the default) when the CRM's reads are consistent.
   */
  findLagMs?: number;
  /** Extra fields for the log lines (what the record was linked to). */
  logFields?: Record<string, unknown>;
}

/** How long an attempt waits when another attempt at the same call is writing right now. */
const IN_PROGRESS_RETRY_MS = 5_000;

/**
 * Write one call's record exactly once across attempts, processes and crashes:
 * 1. an id stored for the call's key → update that record (created again if it was deleted);
 * 2. nothing stored → claim the key ("pending") before creating, so a concurrent attempt backs off;
 * 3. a pending mark left by an attempt that died after the CRM wrote but before we stored the id →
 *    `find` the record in the CRM before creating a new one;
 * 4. a refused create (4xx) drops the mark: nothing was written, the next attempt need not search.
 */
export async function createOnce(
  writer: CrmRecordWriter,
  options: CreateOnceOptions,
  ctx: Pick<DeliveryContext, 'idempotencyKey' | 'logger' | 'signal'>,
): Promise<DeliveryResult> {
  const { adapter, records } = options;
  const key = ctx.idempotencyKey;
  const log = (crmId: string | undefined, message: string) =>
    ctx.logger.info({ crmId, ...options.logFields }, `${adapter}: ${options.record} ${message}`);

  let stored = await records.get(key);
  if (writer.find && stored && 'pendingSince' in stored) {
    const found = await writer.find(stored.pendingSince, ctx.signal);
    if (found) {
      log(found, 'found, an earlier attempt created it');
      await records.set(key, found);
      stored = { id: found };
    } else {
      const age = Date.now() - stored.pendingSince;
      const lag = options.findLagMs ?? 0;
      if (age < lag) {
        throw new RetryableDeliveryError(
          `${adapter}: an earlier attempt may have created this ${options.record}; waiting for ${options.crm} search to show it`,
          lag - age,
        );
      }
      await records.reclaim(key);
    }
  } else if (writer.find && !stored && !(await records.claim(key))) {
    throw new RetryableDeliveryError(
      `${adapter}: another attempt at this call is in progress`,
      IN_PROGRESS_RETRY_MS,
    );
  }

  if (stored && 'id' in stored) {
    if (await writer.update(stored.id, ctx.signal)) {
      log(stored.id, 'updated');
      return { crmId: stored.id };
    }
    ctx.logger.warn(
      { crmId: stored.id },
      `${adapter}: the ${options.record} was deleted in ${options.crm}, creating it again`,
    );
    if (writer.find) await records.reclaim(key);
  }

  let id: string | undefined;
  try {
    id = await writer.create(ctx.signal);
  } catch (err) {
    if (writer.find && wasRefused(err)) await records.release(key);
    throw err;
  }
  if (id) await records.set(key, id);
  else if (writer.find) {
    // Keep the pending mark: the CRM wrote something we cannot name, and `find` may see it later.
    throw new PermanentDeliveryError(
      `${adapter}: ${options.crm} created the ${options.record} but returned no id`,
    );
  }
  log(id, 'created');
  return { crmId: id };
}

/** Retry later, sending nothing, while a CRM's own limit says to hold off (`waitMs` > 0). */
export function holdOff(gate: { waitMs(): number }, adapter: string, why: string): void {
  const wait = gate.waitMs();
  if (wait > 0) throw new RetryableDeliveryError(`${adapter}: ${why}, waiting ${wait} ms`, wait);
}

/**
 * The id of the record `createOnce` wrote for this call, for an update; a call whose record is
 * unknown (never delivered here, or its id expired) cannot be updated and goes to the dead letters.
 */
export async function writtenRecordId(
  options: Pick<CreateOnceOptions, 'adapter' | 'crm' | 'record' | 'records'>,
  idempotencyKey: string,
): Promise<string> {
  const stored = await options.records.get(idempotencyKey);
  if (stored && 'id' in stored) return stored.id;
  throw new PermanentDeliveryError(
    `${options.adapter}: no ${options.crm} ${options.record} is known for this call, nothing to update`,
  );
}
