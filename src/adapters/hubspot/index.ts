import { PermanentDeliveryError } from '../../errors.js';
import { createOnce, holdOff, writtenRecordId, type CrmRecordWriter } from '../create-once.js';
import { httpTransport } from '../http.js';
import { createOwnership } from '../owners/ownership.js';
import { phoneVariants } from '../phone.js';
import { createRecordIds } from '../record-ids.js';
import { summarizeCall, type CallSummary } from '../summary.js';
import type { EnrichedCall } from '../../calls/types.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter, DeliveryContext } from '../types.js';
import { createHubSpotClient } from './client.js';
import { callProperties, findFilters, recordingProperty, refreshProperties } from './map.js';
import { parseHubSpotSettings } from './settings.js';

/**
 * `hubspot`: one call engagement per call, associated with the contact found by phone number.
 *
 * Never two engagements for one call: `createOnce` (create-once.ts) keeps the engagement id per
 * idempotency key and PATCHes it on a later delivery; an attempt that died after HubSpot created the
 * call is found by searching HubSpot (map.ts `findFilters`). HubSpot's search index lags writes, so
 * for HUBSPOT_SEARCH_LAG_MS after such an attempt a search that finds nothing means "retry later",
 * not "create".
 */
export function createHubSpotAdapter(options: AdapterOptions): CrmAdapter {
  const settings = parseHubSpotSettings(options.env);
  const client = createHubSpotClient({
    http: httpTransport(options, settings.timeoutMs),
    baseUrl: settings.baseUrl,
    token: settings.token,
  });
  const records = createRecordIds({ redis: options.redis, keyPrefix: options.keyPrefix, adapter: 'hubspot' });
  if (!options.redis)
    options.logger.warn('hubspot: no Redis given, call → engagement ids live in this process only');
  const ownership = createOwnership({
    adapter: 'hubspot',
    userNoun: 'HubSpot owner',
    options,
    fallbackOwnerId: settings.fallbackOwnerId,
    fallbackSetting: 'HUBSPOT_FALLBACK_OWNER_ID',
    findUserByEmail: (email, signal) => client.findOwnerByEmail(email, signal),
    outcomes: settings.outcomes,
  });
  const once = {
    adapter: 'hubspot',
    crm: 'HubSpot',
    record: 'call',
    records,
    findLagMs: settings.searchLagMs,
  };

  return {
    name: 'hubspot',
    async deliver(call, ctx) {
      holdOff(client, 'hubspot', 'the rate limit is nearly used up');
      const summary = summarizeCall(call, settings.outcomes);
      const { handling, owner } = await ownership.decide(call, summary, ctx.signal);
      const properties = callProperties(summary, handling, {
        callIdProperty: settings.callIdProperty,
        idempotencyKey: ctx.idempotencyKey,
        ownerId: owner.ownerId,
      });
      const contacts = await findContacts(summary.externalNumber, ctx.signal);
      const engagement: CrmRecordWriter = {
        find: (_pendingSince, signal) =>
          client.findCall(findFilters(properties, settings.callIdProperty), signal),
        create: (signal) => client.createCall(properties, contacts, signal),
        async update(id, signal) {
          if (!(await client.updateCall(id, refreshProperties(properties), signal))) return false;
          for (const contact of contacts) await client.associate(id, contact, signal);
          return true;
        },
      };
      const written = await createOnce(
        engagement,
        { ...once, logFields: { contacts: contacts.length } },
        ctx,
      );
      return { ...written, owner, outcome: handling.outcome };
    },

    /**
     * PATCH the call engagement `deliver` created: the recording URL for a late recording; for
     * RingCentral's record of a call first delivered from notifications, every property except the title
     * and notes, which people edit.
     */
    async update(call, ctx) {
      holdOff(client, 'hubspot', 'the rate limit is nearly used up');
      const id = await writtenRecordId(once, ctx.idempotencyKey);
      const summary = summarizeCall(call, settings.outcomes);
      const properties = ctx.changes.includes('records')
        ? await refreshed(call, summary, ctx)
        : recordingProperty(summary.recordingUrl);
      if (Object.keys(properties).length === 0) {
        ctx.logger.info({ crmId: id }, 'hubspot: nothing HubSpot can take (recording links must be HTTPS)');
        return { crmId: id };
      }
      if (!(await client.updateCall(id, properties, ctx.signal))) {
        throw new PermanentDeliveryError('hubspot: the call was deleted in HubSpot, not updated');
      }
      ctx.logger.info({ crmId: id, changes: ctx.changes }, 'hubspot: call updated');
      return { crmId: id };
    },
  };

  /** Every property `deliver` sets except the title, the notes and the owner, which people edit. */
  async function refreshed(call: EnrichedCall, summary: CallSummary, ctx: DeliveryContext) {
    const { handling } = await ownership.decide(call, summary, ctx.signal);
    return refreshProperties(
      callProperties(summary, handling, {
        callIdProperty: settings.callIdProperty,
        idempotencyKey: ctx.idempotencyKey,
      }),
    );
  }

  async function findContacts(number: string | undefined, signal: AbortSignal): Promise<string[]> {
    if (!number || settings.contactMatch === 'none') return [];
    const ids = await client.searchContacts(phoneVariants(number), signal);
    return settings.contactMatch === 'all' ? ids : ids.slice(0, 1);
  }
}

const factory: AdapterFactory = (options) => createHubSpotAdapter(options);
export default factory;
