import { RetryableDeliveryError } from '../../errors.js';
import { httpTransport, wasRefused } from '../http.js';
import { outcomeOf } from '../outcome.js';
import { phoneVariants } from '../phone.js';
import { createRecordIds } from '../record-ids.js';
import { summarizeCall } from '../summary.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from '../types.js';
import { createHubSpotClient } from './client.js';
import { callProperties, findFilters, refreshProperties } from './map.js';
import { parseHubSpotSettings } from './settings.js';

/**
 * `hubspot`: one call engagement per call, associated with the contact found by phone number.
 *
 * Never two engagements for one call: the engagement id is kept per idempotency key (Redis), and a later
 * delivery PATCHes it. Before creating, the key is marked "pending"; if an attempt dies after HubSpot
 * created the call but before the id was stored (crash, timeout), the next attempt finds the pending mark
 * and searches HubSpot for that call (see map.ts `findFilters`). HubSpot's search index lags writes, so
 * while the mark is younger than HUBSPOT_SEARCH_LAG_MS and the search finds nothing, it retries later
 * rather than risk a duplicate.
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

  return {
    name: 'hubspot',
    async deliver(call, ctx) {
      const wait = client.waitMs();
      if (wait > 0)
        throw new RetryableDeliveryError(
          `hubspot: the rate limit is nearly used up, waiting ${wait} ms`,
          wait,
        );
      const key = ctx.idempotencyKey;
      const summary = summarizeCall(call, settings.outcomes);
      const properties = callProperties(summary, outcomeOf(summary.result, settings.outcomes), {
        callIdProperty: settings.callIdProperty,
        idempotencyKey: key,
      });
      const contacts = await findContacts(summary.externalNumber, ctx.signal);

      let stored = await records.get(key);
      if (stored && 'pendingSince' in stored) {
        const found = await client.findCall(findFilters(properties, settings.callIdProperty), ctx.signal);
        if (found) {
          ctx.logger.info({ callId: found }, 'hubspot: found the call an earlier attempt created');
          await records.set(key, found);
          stored = { id: found };
        } else {
          const age = Date.now() - stored.pendingSince;
          if (age < settings.searchLagMs) {
            throw new RetryableDeliveryError(
              'hubspot: an earlier attempt may have created this call; waiting for HubSpot search to show it',
              settings.searchLagMs - age,
            );
          }
          await records.reclaim(key);
        }
      } else if (!stored && !(await records.claim(key))) {
        throw new RetryableDeliveryError('hubspot: another attempt at this call is in progress', 5_000);
      }

      if (stored && 'id' in stored) {
        if (await client.updateCall(stored.id, refreshProperties(properties), ctx.signal)) {
          for (const contact of contacts) await client.associate(stored.id, contact, ctx.signal);
          ctx.logger.info({ callId: stored.id, contacts: contacts.length }, 'hubspot: call updated');
          return { crmId: stored.id };
        }
        ctx.logger.warn({ callId: stored.id }, 'hubspot: the call was deleted in HubSpot, creating it again');
        await records.reclaim(key);
      }

      let id: string;
      try {
        id = await client.createCall(properties, contacts, ctx.signal);
      } catch (err) {
        // Refused (4xx): nothing was created, so the next attempt need not search first.
        if (wasRefused(err)) await records.release(key);
        throw err;
      }
      await records.set(key, id);
      ctx.logger.info({ callId: id, contacts: contacts.length }, 'hubspot: call created');
      return { crmId: id };
    },
  };

  async function findContacts(number: string | undefined, signal: AbortSignal): Promise<string[]> {
    if (!number || settings.contactMatch === 'none') return [];
    const ids = await client.searchContacts(phoneVariants(number), signal);
    return settings.contactMatch === 'all' ? ids : ids.slice(0, 1);
  }
}

const factory: AdapterFactory = (options) => createHubSpotAdapter(options);
export default factory;
