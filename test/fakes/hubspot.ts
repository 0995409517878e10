import { startLoopback, type Loopback, type RecordedRequest, type Reply } from './loopback.js';

/**
 * A loopback HubSpot that follows the documented CRM API for what rc-enrich uses:
 * - `POST /crm/v3/objects/{contacts|calls}/search`: filterGroups (OR) of filters (AND), operators
 *   EQ / IN (exact match) / HAS_PROPERTY, at most 5 groups, 6 filters per group, 18 in all; sorts;
 *   newly written calls stay invisible to search for `searchLagMs` (HubSpot's index is eventually consistent).
 * - `POST /crm/v3/objects/calls` (properties + inline associations), `PATCH /crm/v3/objects/calls/{id}`.
 * - `GET /crm/v4/associations/calls/contacts/labels`, `PUT /crm/v4/objects/calls/{id}/associations/contacts/{id}`.
 * - `GET /crm/v3/owners` (scope `crm.objects.owners.read`): `email` (exact, case-insensitive), `archived`
 *   (default false), `limit` (default 100, at most 500) and `after` paging; `hubspot_owner_id` on a call must
 *   be an active owner's `id` (not its `userId`).
 * - Bearer auth (401 INVALID_AUTHENTICATION), the ten-secondly rate limit with `X-HubSpot-RateLimit-*`
 *   headers (not on search responses, as HubSpot documents) and 429 RATE_LIMIT bodies.
 */
export const CALL_TO_CONTACT_TYPE_ID = 194;
const STATUSES = [
  'BUSY',
  'CALLING_CRM_USER',
  'CANCELED',
  'COMPLETED',
  'CONNECTING',
  'FAILED',
  'IN_PROGRESS',
  'NO_ANSWER',
  'QUEUED',
  'RINGING',
];
const CALL_PROPERTIES = [
  'hs_timestamp',
  'hs_call_title',
  'hs_call_body',
  'hs_call_duration',
  'hs_call_direction',
  'hs_call_from_number',
  'hs_call_to_number',
  'hs_call_status',
  'hs_call_recording_url',
  'hubspot_owner_id',
];

export interface FakeOwner {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  userId: number;
  archived: boolean;
}

interface StoredObject {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  contacts: Set<string>;
}

export interface FakeHubSpot extends Loopback {
  contacts: Map<string, StoredObject>;
  calls: Map<string, StoredObject>;
  addContact(properties: Record<string, string>): string;
  owners: Map<string, FakeOwner>;
  addOwner(owner: { email: string; firstName?: string; lastName?: string; archived?: boolean }): string;
  /** false: the token lacks `crm.objects.owners.read` (403 MISSING_SCOPES on the owners API). */
  ownersScope: boolean;
  /** Next call create: write it, then answer 504 or never answer (a lost response). */
  loseNextCreateResponse(how: '504' | 'hang'): void;
  searchLagMs: number;
  /** Requests left in the current ten-second window. */
  remaining: number;
}

export async function startFakeHubSpot(options: {
  token: string;
  customCallProperties?: string[];
  rateLimitMax?: number;
}): Promise<FakeHubSpot> {
  const max = options.rateLimitMax ?? 190;
  const contacts = new Map<string, StoredObject>();
  const calls = new Map<string, StoredObject>();
  const owners = new Map<string, FakeOwner>();
  let nextId = 1000;
  let lose: '504' | 'hang' | undefined;
  const state = { searchLagMs: 0, remaining: max, windowStart: Date.now(), ownersScope: true };
  const allowed = [...CALL_PROPERTIES, ...(options.customCallProperties ?? [])];

  const error = (status: number, category: string, message: string, extra: object = {}): Reply => ({
    status,
    body: { status: 'error', message, correlationId: 'fake-correlation', category, ...extra },
  });
  const view = (object: StoredObject) => ({
    id: object.id,
    properties: {
      ...object.properties,
      hs_object_id: object.id,
      lastmodifieddate: new Date(object.updatedAt).toISOString(),
    },
    createdAt: new Date(object.createdAt).toISOString(),
    updatedAt: new Date(object.updatedAt).toISOString(),
    archived: false,
  });

  const handle = async (request: RecordedRequest): Promise<Reply> => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return error(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const search = /^\/crm\/v3\/objects\/(contacts|calls)\/search$/.exec(request.path);
    if (request.method === 'POST' && search)
      return searchObjects(search[1] === 'contacts' ? contacts : calls, request.json);
    if (Date.now() - state.windowStart >= 10_000)
      Object.assign(state, { remaining: max, windowStart: Date.now() });
    if (state.remaining <= 0) {
      return withLimits(
        error(429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        }),
      );
    }
    state.remaining--;
    return withLimits(await route(request));
  };

  const withLimits = (reply: Reply): Reply => ({
    ...reply,
    headers: {
      'x-hubspot-ratelimit-max': String(max),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, state.remaining)),
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      ...reply.headers,
    },
  });

  async function route(request: RecordedRequest): Promise<Reply> {
    const body = request.json as
      | {
          properties?: Record<string, string>;
          associations?: Array<{
            to: { id: string };
            types: Array<{ associationCategory: string; associationTypeId: number }>;
          }>;
        }
      | undefined;
    if (request.method === 'GET' && request.path === '/crm/v4/associations/calls/contacts/labels') {
      return {
        status: 200,
        body: { results: [{ category: 'HUBSPOT_DEFINED', typeId: CALL_TO_CONTACT_TYPE_ID, label: null }] },
      };
    }
    if (request.method === 'GET' && request.path === '/crm/v3/owners') return listOwners(request.query);
    if (request.method === 'POST' && request.path === '/crm/v3/objects/calls') {
      const invalid = validateCall(body?.properties ?? {}, true);
      if (invalid) return invalid;
      for (const association of body?.associations ?? []) {
        const bad = checkAssociation(association.to?.id, association.types);
        if (bad) return bad;
      }
      const now = Date.now();
      const id = String(nextId++);
      calls.set(id, {
        id,
        properties: { ...body!.properties },
        createdAt: now,
        updatedAt: now,
        contacts: new Set((body?.associations ?? []).map((a) => a.to.id)),
      });
      const lost = lose;
      lose = undefined;
      if (lost === '504') return { status: 504, body: 'Gateway Timeout' };
      if (lost === 'hang') await new Promise(() => undefined);
      return { status: 201, body: view(calls.get(id)!) };
    }
    const patch = /^\/crm\/v3\/objects\/calls\/([^/]+)$/.exec(request.path);
    if (request.method === 'PATCH' && patch) {
      const call = calls.get(patch[1]!);
      if (!call) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
      const invalid = validateCall(body?.properties ?? {}, false);
      if (invalid) return invalid;
      Object.assign(call.properties, body?.properties);
      call.updatedAt = Date.now();
      return { status: 200, body: view(call) };
    }
    const put = /^\/crm\/v4\/objects\/calls\/([^/]+)\/associations\/contacts\/([^/]+)$/.exec(request.path);
    if (request.method === 'PUT' && put) {
      const call = calls.get(put[1]!);
      if (!call) return error(404, 'OBJECT_NOT_FOUND', `No call with id ${put[1]}`);
      const bad = checkAssociation(
        put[2],
        request.json as Array<{ associationCategory: string; associationTypeId: number }>,
      );
      if (bad) return bad;
      call.contacts.add(put[2]!);
      return {
        status: 200,
        body: {
          fromObjectTypeId: '0-48',
          fromObjectId: Number(call.id),
          toObjectTypeId: '0-1',
          toObjectId: Number(put[2]),
          labels: [],
        },
      };
    }
    return error(404, 'OBJECT_NOT_FOUND', `No route for ${request.method} ${request.path}`);
  }

  function validateCall(properties: Record<string, string>, creating: boolean): Reply | undefined {
    const problem = (message: string) => error(400, 'VALIDATION_ERROR', message);
    if (creating && !properties.hs_timestamp)
      return problem('Property values were not valid: hs_timestamp is required');
    for (const name of Object.keys(properties)) {
      if (!allowed.includes(name))
        return error(400, 'VALIDATION_ERROR', `Property "${name}" does not exist`, {
          errors: [{ code: 'PROPERTY_DOESNT_EXIST' }],
        });
    }
    if (properties.hs_call_status && !STATUSES.includes(properties.hs_call_status))
      return problem(`${properties.hs_call_status} was not one of the allowed options`);
    if (properties.hs_call_direction && !['INBOUND', 'OUTBOUND'].includes(properties.hs_call_direction))
      return problem('bad hs_call_direction');
    const owner = properties.hubspot_owner_id;
    if (owner !== undefined && owner !== '' && !(owners.has(owner) && !owners.get(owner)!.archived))
      return problem(`Property values were not valid: ${owner} is not a valid owner id for hubspot_owner_id`);
    if (properties.hs_call_recording_url && !properties.hs_call_recording_url.startsWith('https://'))
      return problem('Only HTTPS recording URLs are accepted');
    return undefined;
  }

  function listOwners(query: URLSearchParams): Reply {
    if (!state.ownersScope)
      return error(
        403,
        'MISSING_SCOPES',
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        {
          errors: [
            {
              message: 'One or more of the following scopes are required.',
              context: { requiredGranularScopes: ['crm.objects.owners.read'] },
            },
          ],
        },
      );
    const limit = Number(query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 500');
    const email = query.get('email')?.toLowerCase();
    const archived = query.get('archived') === 'true';
    const matching = [...owners.values()].filter(
      (o) => o.archived === archived && (email === undefined || o.email.toLowerCase() === email),
    );
    const start = Number(query.get('after') ?? 0);
    const page = matching.slice(start, start + limit);
    const next = start + limit < matching.length ? String(start + limit) : undefined;
    return {
      status: 200,
      body: {
        results: page.map((o) => ({
          id: o.id,
          email: o.email,
          type: 'PERSON',
          firstName: o.firstName ?? '',
          lastName: o.lastName ?? '',
          userId: o.userId,
          userIdIncludingInactive: o.userId,
          createdAt: '2026-01-02T10:00:00.000Z',
          updatedAt: '2026-01-02T10:00:00.000Z',
          archived: o.archived,
        })),
        ...(next ? { paging: { next: { after: next, link: `/crm/v3/owners?after=${next}` } } } : {}),
      },
    };
  }

  function checkAssociation(
    contactId: string | undefined,
    types: Array<{ associationCategory: string; associationTypeId: number }> | undefined,
  ): Reply | undefined {
    if (!contactId || !contacts.has(contactId))
      return error(400, 'VALIDATION_ERROR', `Contact ${contactId} does not exist`);
    const ok =
      types?.length &&
      types.every(
        (t) => t.associationCategory === 'HUBSPOT_DEFINED' && t.associationTypeId === CALL_TO_CONTACT_TYPE_ID,
      );
    return ok ? undefined : error(400, 'VALIDATION_ERROR', 'invalid association type for calls to contacts');
  }

  function searchObjects(objects: Map<string, StoredObject>, body: unknown): Reply {
    type Filter = { propertyName: string; operator: string; value?: string; values?: string[] };
    const groups = ((body as { filterGroups?: Array<{ filters: Filter[] }> })?.filterGroups ?? []).map(
      (g) => g.filters,
    );
    const total = groups.reduce((n, filters) => n + filters.length, 0);
    if (groups.length > 5 || groups.some((f) => f.length > 6) || total > 18) {
      return error(
        400,
        'VALIDATION_ERROR',
        'Too many filters: at most 5 filterGroups, 6 filters per group, 18 in all',
      );
    }
    const comparable = (name: string, value: string) =>
      name === 'hs_timestamp' ? String(Number(value) || Date.parse(value)) : value.toLowerCase();
    const matches = (object: StoredObject, filter: Filter) => {
      const actual = object.properties[filter.propertyName];
      if (filter.operator === 'HAS_PROPERTY') return actual !== undefined;
      if (actual === undefined) return false;
      if (filter.operator === 'EQ')
        return (
          comparable(filter.propertyName, actual) === comparable(filter.propertyName, filter.value ?? '')
        );
      if (filter.operator === 'IN') return (filter.values ?? []).includes(actual);
      throw new Error(`operator ${filter.operator} not supported by the fake`);
    };
    const visibleSince = Date.now() - state.searchLagMs;
    const results = [...objects.values()]
      .filter((o) => objects === contacts || o.createdAt <= visibleSince)
      .filter((o) => groups.length === 0 || groups.some((filters) => filters.every((f) => matches(o, f))))
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, (body as { limit?: number })?.limit ?? 10);
    return { status: 200, body: { total: results.length, results: results.map(view) } };
  }

  const loopback = await startLoopback(handle);
  return Object.defineProperties(loopback, {
    contacts: { value: contacts },
    calls: { value: calls },
    addContact: {
      value: (properties: Record<string, string>) => {
        const id = String(nextId++);
        const now = Date.now() - 1000 + nextId; // distinct, ordered modification times
        contacts.set(id, { id, properties, createdAt: now, updatedAt: now, contacts: new Set() });
        return id;
      },
    },
    owners: { value: owners },
    addOwner: {
      value: (owner: { email: string; firstName?: string; lastName?: string; archived?: boolean }) => {
        const id = String(41_629_000 + nextId++);
        owners.set(id, { ...owner, id, userId: 9_586_000 + nextId, archived: owner.archived ?? false });
        return id;
      },
    },
    ownersScope: { get: () => state.ownersScope, set: (value: boolean) => (state.ownersScope = value) },
    loseNextCreateResponse: { value: (how: '504' | 'hang') => (lose = how) },
    searchLagMs: { get: () => state.searchLagMs, set: (value: number) => (state.searchLagMs = value) },
    remaining: { get: () => state.remaining, set: (value: number) => (state.remaining = value) },
  }) as FakeHubSpot;
}
