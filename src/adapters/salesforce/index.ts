import { PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { httpTransport, wasRefused } from '../http.js';
import { outcomeOf } from '../outcome.js';
import { phoneVariants } from '../phone.js';
import { createRecordIds } from '../record-ids.js';
import { summarizeCall } from '../summary.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from '../types.js';
import { createSalesforceAuth } from './auth.js';
import { createSalesforceClient } from './client.js';
import { refreshFields, taskFields } from './map.js';
import { parseSalesforceSettings } from './settings.js';

/**
 * `salesforce`: one completed Task per call, `WhoId` the Contact (else Lead) found by phone number.
 *
 * Never two Tasks for one call:
 * - the Task id is kept per idempotency key (Redis) and a later delivery PATCHes the Task by id,
 *   leaving Subject and Description (which people edit) alone;
 * - with SALESFORCE_EXTERNAL_ID_FIELD, the first write is an upsert on that field keyed by the
 *   idempotency key, so even a crash between Salesforce's write and ours cannot make a second Task;
 * - without it, the key is marked "pending" before the create, and an attempt that finds the mark
 *   looks the Task up with SOQL (CallObject and Subject) before creating one.
 */
export function createSalesforceAdapter(options: AdapterOptions): CrmAdapter {
  const settings = parseSalesforceSettings(options.env);
  const http = httpTransport(options, settings.timeoutMs);
  const client = createSalesforceClient({
    http,
    auth: createSalesforceAuth(settings.auth, http),
    apiVersion: settings.apiVersion,
    maxApiUsage: settings.maxApiUsage,
    logger: options.logger,
  });
  const records = createRecordIds({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    adapter: 'salesforce',
  });
  if (!options.redis && !settings.externalIdField) {
    options.logger.warn(
      'salesforce: no Redis and no SALESFORCE_EXTERNAL_ID_FIELD, call → Task ids live in this process only',
    );
  }

  return {
    name: 'salesforce',
    async deliver(call, ctx) {
      const wait = client.waitMs();
      if (wait > 0)
        throw new RetryableDeliveryError(
          `salesforce: API usage is near the org's limit, waiting ${wait} ms`,
          wait,
        );
      const key = ctx.idempotencyKey;
      const summary = summarizeCall(call, settings.outcomes);
      const variants = summary.externalNumber ? phoneVariants(summary.externalNumber) : [];
      const whoId = variants.length > 0 ? await client.searchWho(variants, ctx.signal) : undefined;
      const fields = taskFields(summary, outcomeOf(summary.result, settings.outcomes), whoId);

      const stored = await records.get(key);
      if (stored && 'id' in stored) {
        if (await client.updateTask(stored.id, refreshFields(fields), ctx.signal)) {
          ctx.logger.info({ taskId: stored.id, whoId }, 'salesforce: task updated');
          return { crmId: stored.id };
        }
        ctx.logger.warn(
          { taskId: stored.id },
          'salesforce: the task was deleted in Salesforce, creating it again',
        );
      }

      if (settings.externalIdField) {
        const { id, created } = await client.upsertTask(settings.externalIdField, key, fields, ctx.signal);
        if (id) await records.set(key, id);
        ctx.logger.info({ taskId: id, whoId, created }, 'salesforce: task upserted');
        return { crmId: id };
      }

      if (stored && 'pendingSince' in stored) {
        // Our own earlier create started after the pending mark; a few minutes of slack for clock skew.
        const since = new Date(stored.pendingSince - 5 * 60_000).toISOString();
        const found = await client.findTask(summary.sessionId, String(fields.Subject), since, ctx.signal);
        if (found) {
          ctx.logger.info({ taskId: found }, 'salesforce: found the task an earlier attempt created');
          await records.set(key, found);
          await client.updateTask(found, refreshFields(fields), ctx.signal);
          return { crmId: found };
        }
        await records.reclaim(key);
      } else if (stored) {
        await records.reclaim(key); // the stored Task was deleted
      } else if (!(await records.claim(key))) {
        throw new RetryableDeliveryError('salesforce: another attempt at this call is in progress', 5_000);
      }

      let id: string | undefined;
      try {
        id = await client.createTask(fields, ctx.signal);
      } catch (err) {
        if (wasRefused(err)) await records.release(key);
        throw err;
      }
      if (!id) throw new PermanentDeliveryError('salesforce: Salesforce created the task but returned no id');
      await records.set(key, id);
      ctx.logger.info({ taskId: id, whoId }, 'salesforce: task created');
      return { crmId: id };
    },
  };
}

const factory: AdapterFactory = (options) => createSalesforceAdapter(options);
export default factory;
