import { createVerify, type KeyObject } from 'node:crypto';
import { startLoopback, type Loopback, type RecordedRequest, type Reply } from './loopback.js';

/**
 * A loopback Salesforce (login + one org) that follows the documented REST API for what rc-enrich uses:
 * - `POST /services/oauth2/token` with the JWT bearer grant: RS256 signature checked against the
 *   connected app's certificate key, iss/sub/aud/exp checked; `invalid_grant` otherwise.
 * - `GET /services/data/vXX.X/search/?q=FIND {…} IN PHONE FIELDS RETURNING Contact(…), Lead(…)` (SOSL;
 *   the fake matches phone fields exactly, the strictest reading).
 * - `GET …/query/?q=SELECT Id FROM Task WHERE CallObject = '…' AND Subject = '…' …` and
 *   `SELECT Id FROM User WHERE Email = '…' AND IsActive = true …` (SOQL, only those shapes; string
 *   comparisons are case-insensitive, as in Salesforce).
 * - A Task's `OwnerId` (Assigned To) must be an active User: INVALID_CROSS_REFERENCE_KEY for an unknown
 *   id, INACTIVE_OWNER_OR_USER for an inactive one.
 * - `GET …/sobjects/Task/{Id}?fields=…`, `POST …/sobjects/Task/`, `PATCH …/sobjects/Task/{Id}` (with
 *   `If-Unmodified-Since`), `PATCH …/sobjects/Task/{ExternalIdField}/{value}`
 *   (upsert: 201 created, 200 updated, 300 when several match, 404 when the field is not an external id).
 * - Errors as `[{ message, errorCode }]`; `Sforce-Limit-Info: api-usage=n/limit` on every response;
 *   INVALID_SESSION_ID for unknown or expired sessions; REQUEST_LIMIT_EXCEEDED on demand.
 */
const TASK_FIELDS = [
  'Subject',
  'Description',
  'CallType',
  'CallDurationInSeconds',
  'CallObject',
  'CallDisposition',
  'ActivityDate',
  'Status',
  'WhoId',
  'OwnerId',
];
const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];

export interface FakeTask {
  Id: string;
  CreatedDate: string;
  /** Moves on every write; `If-Unmodified-Since` is checked against it (to the second, as HTTP dates are). */
  LastModifiedDate: string;
  fields: Record<string, string | number>;
}

export interface FakeSalesforce extends Loopback {
  tasks: Map<string, FakeTask>;
  addContact(phone: string): string;
  addLead(phone: string): string;
  addUser(user: { email: string; active?: boolean }): string;
  /** Every issued session becomes invalid (as after a timeout or a password reset). */
  expireSessions(): void;
  /** Org-wide allocation used up: every data request answers 403 REQUEST_LIMIT_EXCEEDED. */
  requestLimitExceeded: boolean;
  apiUsage: { used: number; limit: number };
  loseNextCreateResponse(how: '503' | 'hang'): void;
  logins: number;
}

export async function startFakeSalesforce(options: {
  apiVersion?: string;
  externalIdFields?: string[];
  /** A session valid from the start (the SALESFORCE_ACCESS_TOKEN case). */
  staticToken?: string;
  jwt?: { clientId: string; username: string; publicKey: KeyObject };
}): Promise<FakeSalesforce> {
  const version = options.apiVersion ?? 'v60.0';
  const externalIds = options.externalIdFields ?? [];
  const sessions = new Set<string>(options.staticToken ? [options.staticToken] : []);
  const tasks = new Map<string, FakeTask>();
  const users: Array<{ Id: string; Email: string; IsActive: boolean }> = [];
  const people: Array<{ Id: string; type: 'Contact' | 'Lead'; Phone: string; modified: number }> = [];
  const state = { requestLimitExceeded: false, apiUsage: { used: 0, limit: 15_000 }, logins: 0 };
  let next = 1;
  let lose: '503' | 'hang' | undefined;
  let url = '';
  const stamp = () => new Date().toISOString();
  const newId = (prefix: string) => `${prefix}${String(next++).padStart(15, '0')}`;
  const fail = (status: number, errorCode: string, message: string): Reply => ({
    status,
    body: [{ message, errorCode, fields: [] }],
  });

  const handle = async (request: RecordedRequest): Promise<Reply> => {
    if (request.method === 'POST' && request.path === '/services/oauth2/token') return login(request);
    if (!request.path.startsWith(`/services/data/${version}/`))
      return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    if (!token || !sessions.has(token)) return fail(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (state.requestLimitExceeded)
      return limits(fail(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    state.apiUsage.used++;
    return limits(await data(request, request.path.slice(`/services/data/${version}`.length)));
  };
  const limits = (reply: Reply): Reply => ({
    ...reply,
    headers: {
      'sforce-limit-info': `api-usage=${state.apiUsage.used}/${state.apiUsage.limit}`,
      ...reply.headers,
    },
  });

  function login(request: RecordedRequest): Reply {
    const form = new URLSearchParams(request.body);
    const deny = (error: string, description: string): Reply => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return deny('unsupported_grant_type', 'grant type not supported');
    const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
    if (!options.jwt || !header || !payload || !signature) return deny('invalid_grant', 'invalid assertion');
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(options.jwt.publicKey, Buffer.from(signature, 'base64url'));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iss?: string;
      sub?: string;
      aud?: string;
      exp?: number;
    };
    if (!valid) return deny('invalid_grant', 'invalid assertion');
    if (claims.iss !== options.jwt.clientId) return deny('invalid_client_id', 'client identifier invalid');
    if (claims.sub !== options.jwt.username)
      return deny('invalid_grant', "user hasn't approved this consumer");
    if (claims.aud !== url) return deny('invalid_grant', 'audience is invalid');
    if (!claims.exp || claims.exp * 1000 < Date.now())
      return deny('invalid_grant', 'expired authorization code');
    state.logins++;
    const accessToken = `00Dfake!session${state.logins}`;
    sessions.add(accessToken);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        instance_url: url,
        id: `${url}/id/00D000000000001/005000000000001`,
        token_type: 'Bearer',
        scope: 'api',
        issued_at: String(Date.now()),
        signature: 'fake',
      },
    };
  }

  async function data(request: RecordedRequest, path: string): Promise<Reply> {
    const q = request.query.get('q') ?? '';
    if (request.method === 'GET' && path === '/search/') return search(q);
    if (request.method === 'GET' && path === '/query/') return query(q);
    const fields = (request.json ?? {}) as Record<string, string | number>;
    if (request.method === 'POST' && path === '/sobjects/Task/') {
      const invalid = validate(fields, true);
      if (invalid) return invalid;
      const id = newId('00T');
      tasks.set(id, { Id: id, CreatedDate: stamp(), LastModifiedDate: stamp(), fields: { ...fields } });
      const lost = lose;
      lose = undefined;
      if (lost === '503') return fail(503, 'SERVER_UNAVAILABLE', 'Service unavailable');
      if (lost === 'hang') await new Promise(() => undefined);
      return { status: 201, body: { id, success: true, errors: [] } };
    }
    const byId = /^\/sobjects\/Task\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && byId) {
      const task = tasks.get(byId[1]!);
      if (!task) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
      const attributes = { type: 'Task', url: `/services/data/${version}/sobjects/Task/${task.Id}` };
      const wanted = request.query.get('fields')?.split(',');
      const all: Record<string, unknown> = {
        Id: task.Id,
        LastModifiedDate: task.LastModifiedDate,
        ...task.fields,
      };
      const body = wanted ? Object.fromEntries(wanted.map((name) => [name, all[name] ?? null])) : all;
      return { status: 200, body: { attributes, ...body } };
    }
    if (request.method === 'PATCH' && byId) {
      const task = tasks.get(byId[1]!);
      if (!task) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
      const unmodifiedSince = request.headers['if-unmodified-since'];
      const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
      if (
        unmodifiedSince &&
        seconds(task.LastModifiedDate) > seconds(new Date(unmodifiedSince).toISOString())
      ) {
        return fail(
          412,
          'PRECONDITION_FAILED',
          'The requested resource has been modified since the given date',
        );
      }
      const invalid = validate(fields, false);
      if (invalid) return invalid;
      Object.assign(task.fields, fields);
      task.LastModifiedDate = stamp();
      return { status: 204 };
    }
    const upsert = /^\/sobjects\/Task\/([^/]+)\/([^/]+)$/.exec(path);
    if (request.method === 'PATCH' && upsert) {
      const [field, value] = [decodeURIComponent(upsert[1]!), decodeURIComponent(upsert[2]!)];
      if (!externalIds.includes(field))
        return fail(
          404,
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${field}`,
        );
      const invalid = validate(fields, true);
      if (invalid) return invalid;
      const matches = [...tasks.values()].filter((t) => t.fields[field] === value);
      if (matches.length > 1)
        return { status: 300, body: matches.map((t) => `/services/data/${version}/sobjects/Task/${t.Id}`) };
      if (matches.length === 1) {
        Object.assign(matches[0]!.fields, fields);
        matches[0]!.LastModifiedDate = stamp();
        return { status: 200, body: { id: matches[0]!.Id, success: true, errors: [], created: false } };
      }
      const id = newId('00T');
      tasks.set(id, {
        Id: id,
        CreatedDate: stamp(),
        LastModifiedDate: stamp(),
        fields: { ...fields, [field]: value },
      });
      return { status: 201, body: { id, success: true, errors: [], created: true } };
    }
    return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  function validate(fields: Record<string, string | number>, creating: boolean): Reply | undefined {
    for (const name of Object.keys(fields)) {
      if (!TASK_FIELDS.includes(name))
        return fail(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type Task`);
    }
    if (
      fields.CallType !== undefined &&
      !['Inbound', 'Internal', 'Outbound'].includes(String(fields.CallType))
    ) {
      return fail(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `Call Type: bad value for restricted picklist field: ${fields.CallType}`,
      );
    }
    if (fields.Status !== undefined && !TASK_STATUSES.includes(String(fields.Status)))
      return fail(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Status: bad value');
    if (fields.ActivityDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(fields.ActivityDate)))
      return fail(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of date');
    if (fields.WhoId !== undefined && !people.some((p) => p.Id === fields.WhoId))
      return fail(400, 'FIELD_INTEGRITY_EXCEPTION', 'Name ID: id value of incorrect type');
    if (fields.OwnerId !== undefined) {
      const owner = users.find((u) => u.Id === fields.OwnerId);
      if (!owner)
        return fail(400, 'INVALID_CROSS_REFERENCE_KEY', 'Assigned To ID: invalid cross reference id');
      if (!owner.IsActive)
        return fail(400, 'INACTIVE_OWNER_OR_USER', 'operation performed with inactive user as owner');
    }
    if (creating && fields.Subject !== undefined && String(fields.Subject).length > 255)
      return fail(400, 'STRING_TOO_LONG', 'Subject: data value too large');
    return undefined;
  }

  function search(sosl: string): Reply {
    const match = /^FIND \{(.+)\} IN PHONE FIELDS RETURNING (.+)$/.exec(sosl);
    if (!match) return fail(400, 'MALFORMED_SEARCH', 'unexpected token');
    const terms = match[1]!.split(' OR ').map((term) => term.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
    const wanted = ['Contact', 'Lead'].filter((type) => match[2]!.includes(`${type}(`));
    const found = people
      .filter((p) => wanted.includes(p.type) && terms.includes(p.Phone))
      .sort((a, b) => (a.type === b.type ? b.modified - a.modified : a.type === 'Contact' ? -1 : 1));
    return {
      status: 200,
      body: {
        searchRecords: found.map((p) => ({
          attributes: { type: p.type, url: `/services/data/${version}/sobjects/${p.type}/${p.Id}` },
          Id: p.Id,
        })),
      },
    };
  }

  function query(soql: string): Reply {
    const unquote = (value: string) => value.replace(/\\(.)/g, '$1');
    const user =
      /^SELECT Id FROM User WHERE Email = '((?:[^'\\]|\\.)*)' AND IsActive = true( ORDER BY \w+ (?:ASC|DESC)(?: NULLS (?:FIRST|LAST))?)? LIMIT (\d+)$/.exec(
        soql,
      );
    if (user) {
      const records = users
        .filter((u) => u.IsActive && u.Email.toLowerCase() === unquote(user[1]!).toLowerCase())
        .slice(0, Number(user[3]))
        .map((u) => ({
          attributes: { type: 'User', url: `/services/data/${version}/sobjects/User/${u.Id}` },
          Id: u.Id,
        }));
      return { status: 200, body: { totalSize: records.length, done: true, records } };
    }
    const m =
      /^SELECT Id FROM Task WHERE CallObject = '((?:[^'\\]|\\.)*)' AND Subject = '((?:[^'\\]|\\.)*)' AND CreatedDate >= (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ORDER BY CreatedDate LIMIT 1$/.exec(
        soql,
      );
    if (!m) return fail(400, 'MALFORMED_QUERY', `unexpected query: ${soql}`);
    const records = [...tasks.values()]
      .filter(
        (t) =>
          t.fields.CallObject === unquote(m[1]!) &&
          t.fields.Subject === unquote(m[2]!) &&
          t.CreatedDate >= m[3]!.replace('Z', '.000Z'),
      )
      .slice(0, 1)
      .map((t) => ({
        attributes: { type: 'Task', url: `/services/data/${version}/sobjects/Task/${t.Id}` },
        Id: t.Id,
      }));
    return { status: 200, body: { totalSize: records.length, done: true, records } };
  }

  const loopback = await startLoopback(handle);
  url = loopback.url;
  const addPerson = (type: 'Contact' | 'Lead') => (phone: string) => {
    const Id = newId(type === 'Contact' ? '003' : '00Q');
    people.push({ Id, type, Phone: phone, modified: next });
    return Id;
  };
  return Object.defineProperties(loopback, {
    tasks: { value: tasks },
    addContact: { value: addPerson('Contact') },
    addLead: { value: addPerson('Lead') },
    addUser: {
      value: (user: { email: string; active?: boolean }) => {
        const Id = newId('005');
        users.push({ Id, Email: user.email, IsActive: user.active ?? true });
        return Id;
      },
    },
    expireSessions: { value: () => sessions.clear() },
    requestLimitExceeded: {
      get: () => state.requestLimitExceeded,
      set: (v: boolean) => (state.requestLimitExceeded = v),
    },
    apiUsage: { get: () => state.apiUsage },
    loseNextCreateResponse: { value: (how: '503' | 'hang') => (lose = how) },
    logins: { get: () => state.logins },
  }) as FakeSalesforce;
}
