import type { IncomingHttpHeaders } from 'node:http';

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/**
 * Client credentials of an OAuth request: `Authorization: Basic base64(id:secret)`, or `client_id`
 * in the form body (what the SDK sends when it has no secret).
 */
export function readClientCredentials(
  headers: IncomingHttpHeaders,
  form: URLSearchParams,
): ClientCredentials {
  const header = headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (match?.[1]) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0
      ? { clientId: decoded }
      : { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    clientSecret: form.get('client_secret') ?? undefined,
  };
}
