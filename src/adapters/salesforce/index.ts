import { PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { createOnce, holdOff, writtenRecordId, type CrmRecordWriter } from '../create-once.js';
import { httpTransport } from '../http.js';
import { createOwnership } from '../owners/ownership.js';
import { phoneVariants } from '../phone.js';
import { createRecordIds } from '../record-ids.js';
import { summarizeCall } from '../summary.js';
import { createTimeZoneSource } from '../time-zone.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from '../types.js';
import { createSalesforceAuth } from './auth.js';
import { createSalesforceClient } from './client.js';
import { refreshFields, taskFields } from './map.js';
import { parseSalesforceSettings } from './settings.js';

/**
 * `salesforce`: one completed Task per call, `WhoId` the Contact (else Lead) found by phone number.
 *
 * Never two Tasks for one call (`createOnce`, create-once.ts):
 * - the Task id is kept per idempotency key (Redis) and a later delivery PATCHes the Task by id,
 *   leaving Subject and Description (which people edit) alone;
 * - with SALESFORCE_EXTERNAL_ID_FIELD, the first write is an upsert on that field keyed by the
 *   idempotency key, so even a crash between Salesforce's write and ours cannot make a second Task;
 * - without it, an attempt that died after Salesforce's write is found with SOQL (CallObject and
 *   Subject) before a Task is created.
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
  const ownership = createOwnership({
    adapter: 'salesforce',
    userNoun: 'Salesforce user',
    options,
    fallbackOwnerId: settings.fallbackOwnerId,
    fallbackSetting: 'SALESFORCE_FALLBACK_OWNER_ID',
    findUserByEmail: (email, signal) => client.findUserByEmail(email, signal),
    outcomes: settings.outcomes,
  });
  const timeZone = createTimeZoneSource({
    configured: options.timeZone,
    directory: options.directory,
    logger: options.logger,
  });
  const once = { adapter: 'salesforce', crm: 'Salesforce', record: 'task', records };
  if (!options.redis && !settings.externalIdField) {
    options.logger.warn(
      'salesforce: no Redis and no SALESFORCE_EXTERNAL_ID_FIELD, call → Task ids live in this process only',
    );
  }

  return {
    name: 'salesforce',
    async deliver(call, ctx) {
      holdOff(client, 'salesforce', "API usage is near the org's limit");
      const summary = summarizeCall(call, settings.outcomes);
      const variants = summary.externalNumber ? phoneVariants(summary.externalNumber) : [];
      const whoId = variants.length > 0 ? await client.searchWho(variants, ctx.signal) : undefined;
      const { handling, owner } = await ownership.decide(call, summary, ctx.signal);
      const fields = taskFields(summary, handling, {
        whoId,
        ownerId: owner.ownerId,
        timeZone: await timeZone(),
      });
      const { externalIdField } = settings;
      const task: CrmRecordWriter = {
        update: (id, signal) => client.updateTask(id, refreshFields(fields), signal),
        ...(externalIdField
          ? {
              create: async (signal) =>
                (await client.upsertTask(externalIdField, ctx.idempotencyKey, fields, signal)).id,
            }
          : {
              create: (signal) => client.createTask(fields, signal),
              find(pendingSince, signal) {
                // Our own earlier create started after the pending mark; a few minutes of slack for clock skew.
                const since = new Date(pendingSince - 5 * 60_000).toISOString();
                return client.findTask(summary.sessionId, String(fields.Subject), since, signal);
              },
            }),
      };
      const written = await createOnce(task, { ...once, logFields: { whoId } }, ctx);
      return { ...written, owner, outcome: handling.outcome };
    },

    /**
     * A late recording is appended to the Task's Description (people write there too, so what they
     * typed is kept, and the write is conditional: if someone saves the Task meanwhile, we read it
     * again and retry). RingCentral's record for a call first delivered from notifications refreshes
     * the call fields, never Subject or Description.
     */
    async update(call, ctx) {
      holdOff(client, 'salesforce', "API usage is near the org's limit");
      const id = await writtenRecordId(once, ctx.idempotencyKey);
      const summary = summarizeCall(call, settings.outcomes);
      if (ctx.changes.includes('records')) {
        const variants = summary.externalNumber ? phoneVariants(summary.externalNumber) : [];
        const whoId = variants.length > 0 ? await client.searchWho(variants, ctx.signal) : undefined;
        const { handling } = await ownership.decide(call, summary, ctx.signal);
        // No OwnerId: whoever the Task belongs to now (a rep may have reassigned it) stays.
        const fields = refreshFields(taskFields(summary, handling, { whoId, timeZone: await timeZone() }));
        if (!(await client.updateTask(id, fields, ctx.signal))) throw deleted();
      }
      if (ctx.changes.includes('recording') && summary.recordingUrl) {
        const task = await client.readTask(id, ctx.signal);
        if (!task) throw deleted();
        const description = task.Description ?? '';
        if (!description.includes(summary.recordingUrl)) {
          const appended = `${description}${description ? '\n' : ''}Recording: ${summary.recordingUrl}`;
          const fields = { Description: appended.slice(0, 32_000) };
          const outcome = await client.updateTaskIfUnchanged(id, fields, task.LastModifiedDate, ctx.signal);
          if (outcome === 'missing') throw deleted();
          if (outcome === 'changed') {
            throw new RetryableDeliveryError(
              'salesforce: the Task was edited while adding the recording',
              1_000,
            );
          }
        }
      }
      ctx.logger.info({ crmId: id, changes: ctx.changes }, 'salesforce: task updated');
      return { crmId: id };
    },
  };
}

const deleted = () =>
  new PermanentDeliveryError('salesforce: the Task was deleted in Salesforce, not updated');

const factory: AdapterFactory = (options) => createSalesforceAdapter(options);
export default factory;
