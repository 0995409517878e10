import type { Logger } from 'pino';
import { sendJson, type HttpTransport, type JsonRequest } from '../http.js';
import type { createSalesforceAuth } from './auth.js';
import { createUsageGate, firstError, salesforceError } from './errors.js';

type Fields = Record<string, string | number>;

/** The Salesforce REST endpoints the adapter uses, nothing more. */
export function createSalesforceClient(deps: {
  http: HttpTransport;
  auth: ReturnType<typeof createSalesforceAuth>;
  apiVersion: string;
  maxApiUsage: number;
  logger: Logger;
}) {
  const usage = createUsageGate(deps.maxApiUsage, deps.logger);

  /**
   * `missingOk`: a record deleted since we stored its id answers `status: 404` (the caller creates it
   * again). `conditional`: a failed `If-Unmodified-Since` answers `status: 412` instead of throwing.
   */
  async function request<T>(
    req: JsonRequest & { missingOk?: boolean; conditional?: boolean },
    signal: AbortSignal,
  ) {
    let session = await deps.auth.session(signal);
    for (let renewed = false; ; renewed = true) {
      const url = `${session.instanceUrl}/services/data/${deps.apiVersion}${req.path}`;
      const label = `salesforce ${req.label}`;
      const { response, text, data } = await sendJson<T>(
        deps.http,
        { ...req, url, token: session.accessToken, label },
        signal,
      );
      usage.observe(response);
      if (response.ok) return { status: response.status, data };
      const code = firstError(text).errorCode;
      // An expired session: log in again once (JWT flow), then repeat the request.
      if (response.status === 401 && code === 'INVALID_SESSION_ID' && deps.auth.canRenew && !renewed) {
        deps.logger.info('salesforce: session expired, logging in again');
        session = await deps.auth.renew(session, signal);
        continue;
      }
      if (req.missingOk && (response.status === 404 || code === 'ENTITY_IS_DELETED')) {
        return { status: 404, data: undefined };
      }
      if (req.conditional && response.status === 412) return { status: 412, data: undefined };
      throw salesforceError(req.label, response, text);
    }
  }

  return {
    /** Milliseconds to hold off because the org's API usage is above SALESFORCE_MAX_API_USAGE. */
    waitMs: () => usage.waitMs(),

    /** The Contact (else the Lead) whose phone fields hold one of `variants`, most recently modified first. */
    async searchWho(variants: string[], signal: AbortSignal): Promise<string | undefined> {
      const terms = variants.slice(0, 6).map((variant) => `"${escapeSosl(variant)}"`);
      const sosl =
        `FIND {${terms.join(' OR ')}} IN PHONE FIELDS RETURNING ` +
        'Contact(Id ORDER BY LastModifiedDate DESC LIMIT 1), ' +
        'Lead(Id WHERE IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 1)';
      type Result = { searchRecords?: Array<{ Id: string; attributes?: { type?: string } }> };
      const path = `/search/?q=${encodeURIComponent(sosl)}`;
      const { data } = await request<Result>({ method: 'GET', path, label: 'phone search' }, signal);
      const found = data?.searchRecords ?? [];
      return (found.find((r) => r.attributes?.type === 'Contact') ?? found[0])?.Id;
    },

    /** The active User with this email (the Task's `OwnerId`), if any. */
    async findUserByEmail(email: string, signal: AbortSignal): Promise<string | undefined> {
      const soql = `SELECT Id FROM User WHERE Email = '${escapeSoql(email)}' AND IsActive = true LIMIT 1`;
      type Result = { records?: Array<{ Id: string }> };
      const path = `/query/?q=${encodeURIComponent(soql)}`;
      const { data } = await request<Result>({ method: 'GET', path, label: 'user query' }, signal);
      return data?.records?.[0]?.Id;
    },

    /** A Task an earlier attempt created for this call (SOQL reads are consistent, unlike search). */
    async findTask(callObject: string, subject: string, since: string, signal: AbortSignal) {
      const soql =
        `SELECT Id FROM Task WHERE CallObject = '${escapeSoql(callObject)}' AND Subject = '${escapeSoql(subject)}' ` +
        `AND CreatedDate >= ${since.replace(/\.\d+Z$/, 'Z')} ORDER BY CreatedDate LIMIT 1`;
      type Result = { records?: Array<{ Id: string }> };
      const path = `/query/?q=${encodeURIComponent(soql)}`;
      const { data } = await request<Result>({ method: 'GET', path, label: 'task query' }, signal);
      return data?.records?.[0]?.Id;
    },

    async createTask(fields: Fields, signal: AbortSignal): Promise<string | undefined> {
      const { data } = await request<{ id?: string }>(
        { method: 'POST', path: '/sobjects/Task/', body: fields, label: 'task create' },
        signal,
      );
      return data?.id;
    },

    /** The Task's Description and when it last changed; undefined when it no longer exists. */
    async readTask(id: string, signal: AbortSignal) {
      const path = `/sobjects/Task/${encodeURIComponent(id)}?fields=Description,LastModifiedDate`;
      type Task = { Description?: string | null; LastModifiedDate: string };
      const { data } = await request<Task>(
        { method: 'GET', path, label: 'task read', missingOk: true },
        signal,
      );
      return data;
    },

    /**
     * PATCH a Task only if nobody changed it since `lastModified` (Salesforce's conditional request):
     * 'changed' when someone did, 'missing' when it was deleted.
     */
    async updateTaskIfUnchanged(
      id: string,
      fields: Fields,
      lastModified: string,
      signal: AbortSignal,
    ): Promise<'updated' | 'changed' | 'missing'> {
      const path = `/sobjects/Task/${encodeURIComponent(id)}`;
      const { status } = await request(
        {
          method: 'PATCH',
          path,
          body: fields,
          label: 'task update',
          missingOk: true,
          conditional: true,
          headers: { 'if-unmodified-since': new Date(lastModified).toUTCString() },
        },
        signal,
      );
      return status === 404 ? 'missing' : status === 412 ? 'changed' : 'updated';
    },

    /** PATCH a Task by id; false when it no longer exists. */
    async updateTask(id: string, fields: Fields, signal: AbortSignal): Promise<boolean> {
      const path = `/sobjects/Task/${encodeURIComponent(id)}`;
      const { status } = await request(
        { method: 'PATCH', path, body: fields, label: 'task update', missingOk: true },
        signal,
      );
      return status !== 404;
    },

    /** Create or update the Task whose external-id field holds `value` (idempotent by Salesforce's own index). */
    async upsertTask(field: string, value: string, fields: Fields, signal: AbortSignal) {
      const path = `/sobjects/Task/${encodeURIComponent(field)}/${encodeURIComponent(value)}`;
      const { data } = await request<{ id?: string; created?: boolean }>(
        { method: 'PATCH', path, body: fields, label: 'task upsert' },
        signal,
      );
      return { id: data?.id, created: data?.created };
    },
  };
}

/** SOSL reserved characters: ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + - */
function escapeSosl(term: string): string {
  return term.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (c) => `\\${c}`);
}

function escapeSoql(value: string): string {
  return value.replace(/[\\']/g, (c) => `\\${c}`);
}

export type SalesforceClient = ReturnType<typeof createSalesforceClient>;
