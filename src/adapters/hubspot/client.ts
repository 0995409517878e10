import { PermanentDeliveryError } from '../../errors.js';
import { send, type HttpTransport } from '../http.js';
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

  async function request<T>(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
    label: string,
  ): Promise<{ status: number; data: T | undefined }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${deps.token.reveal()}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const { response, text } = await send(
      deps.http,
      `${deps.baseUrl}${path}`,
      init,
      signal,
      `hubspot ${label}`,
    );
    gate.observe(response);
    if (response.ok) return { status: response.status, data: text ? (JSON.parse(text) as T) : undefined };
    if (response.status === 404 && method === 'PATCH') return { status: 404, data: undefined };
    throw hubspotError(label, response, text);
  }

  const search = async (object: string, filterGroups: Filter[][], extra: object, signal: AbortSignal) => {
    const body = { filterGroups: filterGroups.map((filters) => ({ filters })), limit: 10, ...extra };
    const { data } = await request<SearchResult>(
      'POST',
      `/crm/v3/objects/${object}/search`,
      body,
      signal,
      `${object} search`,
    );
    return (data?.results ?? []).map((result) => result.id);
  };

  return {
    /** Milliseconds to hold off because the last responses said the rate limit is (almost) used up. */
    waitMs: () => gate.waitMs(),

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
    ): Promise<string> {
      const type = contacts.length > 0 ? await this.callToContactType(signal) : undefined;
      const associations = contacts.map((id) => ({ to: { id }, types: [type] }));
      const { data } = await request<{ id: string }>(
        'POST',
        '/crm/v3/objects/calls',
        { properties, associations },
        signal,
        'call create',
      );
      if (!data?.id) throw new PermanentDeliveryError('hubspot: HubSpot created the call but returned no id');
      return data.id;
    },

    /** Update a call; false when it no longer exists (deleted in HubSpot). */
    async updateCall(id: string, properties: Record<string, string>, signal: AbortSignal): Promise<boolean> {
      const path = `/crm/v3/objects/calls/${encodeURIComponent(id)}`;
      const { status } = await request('PATCH', path, { properties }, signal, 'call update');
      return status !== 404;
    },

    /** Associate a call with a contact (idempotent: PUT of the default association). */
    async associate(callId: string, contactId: string, signal: AbortSignal): Promise<void> {
      const type = await this.callToContactType(signal);
      const path = `/crm/v4/objects/calls/${encodeURIComponent(callId)}/associations/contacts/${encodeURIComponent(contactId)}`;
      await request('PUT', path, [type], signal, 'call association');
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
          'GET',
          '/crm/v4/associations/calls/contacts/labels',
          undefined,
          signal,
          'association types lookup',
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
