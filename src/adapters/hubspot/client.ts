import { PermanentDeliveryError } from '../../errors.js';
import { sendJson, type HttpTransport, type JsonRequest } from '../http.js';
import type { Secret } from '../settings.js';
import { createRateLimitGate, hubspotError } from './errors.js';

/** The HubSpot CRM v3/v4 endpoints the adapter uses, nothing more. */
export interface AssociationType {
  associationCategory: string;
  associationTypeId: number;
}

export type Filter = { propertyName: string; operator: 'EQ' | 'IN'; value?: string; values?: string[] };

interface SearchResult {
  results?: Array<{ id: string }>;
}

export function createHubSpotClient(deps: { http: HttpTransport; baseUrl: string; token: Secret }) {
  const gate = createRateLimitGate();
  let callToContact: Promise<AssociationType> | undefined;

  async function request<T>(req: JsonRequest, signal: AbortSignal) {
    const { response, text, data } = await sendJson<T>(
      deps.http,
      {
        ...req,
        url: `${deps.baseUrl}${req.path}`,
        token: deps.token.reveal(),
        label: `hubspot ${req.label}`,
      },
      signal,
    );
    gate.observe(response);
    if (response.ok) return { status: response.status, data };
    if (response.status === 404 && req.method === 'PATCH') return { status: 404, data: undefined };
    throw hubspotError(req.label, response, text);
  }

  const search = async (object: string, filterGroups: Filter[][], extra: object, signal: AbortSignal) => {
    const body = { filterGroups: filterGroups.map((filters) => ({ filters })), limit: 10, ...extra };
    const path = `/crm/v3/objects/${object}/search`;
    const { data } = await request<SearchResult>(
      { method: 'POST', path, body, label: `${object} search` },
      signal,
    );
    return (data?.results ?? []).map((result) => result.id);
  };

  return {
    /** Milliseconds to hold off because the last responses said the rate limit is (almost) used up. */
    waitMs: () => gate.waitMs(),

    /** The active owner with this email (owners API, scope crm.objects.owners.read): its `id`, not `userId`. */
    async findOwnerByEmail(email: string, signal: AbortSignal): Promise<string | undefined> {
      const query = new URLSearchParams({ email, archived: 'false', limit: '1' });
      const { data } = await request<{ results?: Array<{ id: string }> }>(
        { method: 'GET', path: `/crm/v3/owners?${query}`, label: 'owner lookup' },
        signal,
      );
      return data?.results?.[0]?.id;
    },

    /** Contacts whose phone or mobile phone is one of `variants`, most recently modified first. */
    searchContacts(variants: string[], signal: AbortSignal): Promise<string[]> {
      const groups = ['phone', 'mobilephone'].map((propertyName) => [
        { propertyName, operator: 'IN' as const, values: variants },
      ]);
      const sorts = [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }];
      return search('contacts', groups, { sorts, properties: ['phone', 'mobilephone'] }, signal);
    },

    /** A call engagement matching every filter (our own earlier write), if HubSpot's search has it yet. */
    async findCall(filters: Filter[], signal: AbortSignal): Promise<string | undefined> {
      return (await search('calls', [filters], {}, signal))[0];
    },

    async createCall(
      properties: Record<string, string>,
      contacts: string[],
      signal: AbortSignal,
    ): Promise<string | undefined> {
      const type = contacts.length > 0 ? await this.callToContactType(signal) : undefined;
      const associations = contacts.map((id) => ({ to: { id }, types: [type] }));
      const body = { properties, associations };
      const { data } = await request<{ id?: string }>(
        { method: 'POST', path: '/crm/v3/objects/calls', body, label: 'call create' },
        signal,
      );
      return data?.id;
    },

    /** Update a call; false when it no longer exists (deleted in HubSpot). */
    async updateCall(id: string, properties: Record<string, string>, signal: AbortSignal): Promise<boolean> {
      const path = `/crm/v3/objects/calls/${encodeURIComponent(id)}`;
      const body = { properties };
      const { status } = await request({ method: 'PATCH', path, body, label: 'call update' }, signal);
      return status !== 404;
    },

    /** Associate a call with a contact (idempotent: PUT of the default association). */
    async associate(callId: string, contactId: string, signal: AbortSignal): Promise<void> {
      const type = await this.callToContactType(signal);
      const path = `/crm/v4/objects/calls/${encodeURIComponent(callId)}/associations/contacts/${encodeURIComponent(contactId)}`;
      await request({ method: 'PUT', path, body: [type], label: 'call association' }, signal);
    },

    /**
     * The call → contact association type, looked up once per process (HubSpot's examples say 194, but
     * type ids are HubSpot's to define): the unlabelled HUBSPOT_DEFINED one.
     */
    callToContactType(signal: AbortSignal): Promise<AssociationType> {
      callToContact ??= (async () => {
        const { data } = await request<{
          results?: Array<{ category: string; typeId: number; label?: string | null }>;
        }>(
          {
            method: 'GET',
            path: '/crm/v4/associations/calls/contacts/labels',
            label: 'association types lookup',
          },
          signal,
        );
        const results = data?.results ?? [];
        const found =
          results.find((r) => r.category === 'HUBSPOT_DEFINED' && !r.label) ??
          results.find((r) => r.category === 'HUBSPOT_DEFINED');
        if (!found)
          throw new PermanentDeliveryError('hubspot: HubSpot lists no call-to-contact association type');
        return { associationCategory: found.category, associationTypeId: found.typeId };
      })();
      callToContact.catch(() => (callToContact = undefined));
      return callToContact;
    },
  };
}

export type HubSpotClient = ReturnType<typeof createHubSpotClient>;
