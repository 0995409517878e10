import type { Logger } from 'pino';
import { send, type HttpTransport } from '../http.js';
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

  async function request<T>(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
    label: string,
    missingOk = false,
  ) {
    let session = await deps.auth.session(signal);
    for (let renewed = false; ; renewed = true) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${session.accessToken}`,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const url = `${session.instanceUrl}/services/data/${deps.apiVersion}${path}`;
      const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
      const { response, text } = await send(deps.http, url, init, signal, `salesforce ${label}`);
      usage.observe(response);
      if (response.ok) return { status: response.status, data: text ? (JSON.parse(text) as T) : undefined };
      const code = firstError(text).errorCode;
      // An expired session: log in again once (JWT flow), then repeat the request.
      if (response.status === 401 && code === 'INVALID_SESSION_ID' && deps.auth.canRenew && !renewed) {
        deps.logger.info('salesforce: session expired, logging in again');
        session = await deps.auth.renew(session, signal);
        continue;
      }
      // A record deleted since we stored its id: the caller creates it again.
      if (missingOk && (response.status === 404 || code === 'ENTITY_IS_DELETED')) {
        return { status: 404, data: undefined };
      }
      throw salesforceError(label, response, text);
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
      const { data } = await request<Result>(
        'GET',
        `/search/?q=${encodeURIComponent(sosl)}`,
        undefined,
        signal,
        'phone search',
      );
      const found = data?.searchRecords ?? [];
      return (found.find((r) => r.attributes?.type === 'Contact') ?? found[0])?.Id;
    },

    /** A Task an earlier attempt created for this call (SOQL reads are consistent, unlike search). */
    async findTask(callObject: string, subject: string, since: string, signal: AbortSignal) {
      const soql =
        `SELECT Id FROM Task WHERE CallObject = '${escapeSoql(callObject)}' AND Subject = '${escapeSoql(subject)}' ` +
        `AND CreatedDate >= ${since.replace(/\.\d+Z$/, 'Z')} ORDER BY CreatedDate LIMIT 1`;
      type Result = { records?: Array<{ Id: string }> };
      const { data } = await request<Result>(
        'GET',
        `/query/?q=${encodeURIComponent(soql)}`,
        undefined,
        signal,
        'task query',
      );
      return data?.records?.[0]?.Id;
    },

    async createTask(fields: Fields, signal: AbortSignal): Promise<string | undefined> {
      const { data } = await request<{ id?: string }>(
        'POST',
        '/sobjects/Task/',
        fields,
        signal,
        'task create',
      );
      return data?.id;
    },

    /** PATCH a Task by id; false when it no longer exists. */
    async updateTask(id: string, fields: Fields, signal: AbortSignal): Promise<boolean> {
      const path = `/sobjects/Task/${encodeURIComponent(id)}`;
      const { status } = await request('PATCH', path, fields, signal, 'task update', true);
      return status !== 404;
    },

    /** Create or update the Task whose external-id field holds `value` (idempotent by Salesforce's own index). */
    async upsertTask(field: string, value: string, fields: Fields, signal: AbortSignal) {
      const path = `/sobjects/Task/${encodeURIComponent(field)}/${encodeURIComponent(value)}`;
      const { data } = await request<{ id?: string; created?: boolean }>(
        'PATCH',
        path,
        fields,
        signal,
        'task upsert',
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
