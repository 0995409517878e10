import { z } from 'zod';
import { outcomeMapSetting, type OutcomeMap } from '../outcome.js';
import { httpUrl, parseAdapterSettings, requestTimeoutSetting, secret, type Secret } from '../settings.js';

const schema = z.object({
  HUBSPOT_ACCESS_TOKEN: secret(),
  HUBSPOT_BASE_URL: httpUrl('HUBSPOT_BASE_URL').default('https://api.hubapi.com'),
  HUBSPOT_CONTACT_MATCH: z
    .enum(['most-recent', 'all', 'none'], { error: 'HUBSPOT_CONTACT_MATCH must be most-recent, all or none' })
    .default('most-recent'),
  HUBSPOT_CALL_ID_PROPERTY: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]*$/,
      "HUBSPOT_CALL_ID_PROPERTY must be a property's internal name, e.g. rc_call_id",
    )
    .optional(),
  HUBSPOT_FALLBACK_OWNER_ID: z
    .string()
    .regex(/^\d+$/, "HUBSPOT_FALLBACK_OWNER_ID must be an owner's id (digits, from GET /crm/v3/owners)")
    .optional(),
  HUBSPOT_SEARCH_LAG_MS: z.coerce.number().int().nonnegative().default(60_000),
  ...requestTimeoutSetting,
  ...outcomeMapSetting,
});

export interface HubSpotSettings {
  token: Secret;
  baseUrl: string;
  /** Which contacts the call is associated with when several share the number. */
  contactMatch: 'most-recent' | 'all' | 'none';
  /** A custom call property (single-line text) that holds the idempotency key; optional, see index.ts. */
  callIdProperty?: string;
  /** Owner of calls nobody handled, and of calls whose owner could not be found. */
  fallbackOwnerId?: string;
  /** How long HubSpot's search may lag behind a write (its search index is eventually consistent). */
  searchLagMs: number;
  timeoutMs: number;
  outcomes: OutcomeMap;
}

export function parseHubSpotSettings(env: Readonly<Record<string, string | undefined>>): HubSpotSettings {
  const e = parseAdapterSettings('hubspot', schema, env, {
    HUBSPOT_ACCESS_TOKEN:
      'the access token of a HubSpot private app with the scopes crm.objects.contacts.read, ' +
      'crm.objects.contacts.write and crm.objects.owners.read; Settings → Integrations → Private apps',
  });
  return {
    token: e.HUBSPOT_ACCESS_TOKEN,
    baseUrl: e.HUBSPOT_BASE_URL,
    contactMatch: e.HUBSPOT_CONTACT_MATCH,
    callIdProperty: e.HUBSPOT_CALL_ID_PROPERTY,
    searchLagMs: e.HUBSPOT_SEARCH_LAG_MS,
    fallbackOwnerId: e.HUBSPOT_FALLBACK_OWNER_ID,
    timeoutMs: e.CRM_REQUEST_TIMEOUT_MS,
    outcomes: e.CRM_OUTCOME_MAP,
  };
}
