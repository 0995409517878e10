import { createSign, type KeyObject } from 'node:crypto';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../errors.js';
import { isRetryableStatus, quote, retryAfterOf, send, type HttpTransport } from '../http.js';
import type { SalesforceAuthSettings } from './settings.js';
import { isSecureUrl } from '../settings.js';

/**
 * Salesforce sessions: a given access token, or the OAuth 2.0 JWT bearer flow (a JWT signed RS256 with
 * the connected app's private key, exchanged for an access token; no user interaction, no refresh
 * token). The session is fetched once and shared; `renew` logs in again after INVALID_SESSION_ID, once
 * for all the deliveries that saw the same stale session.
 */
export interface SalesforceSession {
  accessToken: string;
  instanceUrl: string;
}

export function createSalesforceAuth(settings: SalesforceAuthSettings, http: HttpTransport) {
  let current: Promise<SalesforceSession> | undefined;
  const login = (signal: AbortSignal) => {
    const attempt =
      settings.kind === 'jwt' ? jwtLogin(settings, http, signal) : Promise.resolve(staticSession());
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
    current = attempt;
    return attempt;
  };
  const staticSession = (): SalesforceSession => {
    if (settings.kind !== 'token') throw new Error('unreachable');
    return { accessToken: settings.accessToken.reveal(), instanceUrl: settings.instanceUrl };
  };

  return {
    /** Only the JWT flow can get a new session; a given token stays what it is. */
    canRenew: settings.kind === 'jwt',
    session(signal: AbortSignal): Promise<SalesforceSession> {
      return current ?? login(signal);
    },
    async renew(stale: SalesforceSession, signal: AbortSignal): Promise<SalesforceSession> {
      const latest = current ? await current.catch(() => undefined) : undefined;
      if (latest && latest.accessToken !== stale.accessToken) return latest;
      return login(signal);
    },
  };
}

/** The JWT bearer assertion: iss = connected app's consumer key, sub = user, aud = login URL, 3 min. */
export function jwtAssertion(
  claims: { clientId: string; username: string; audience: string },
  key: KeyObject,
  now = Date.now(),
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT' });
  const payload = encode({
    iss: claims.clientId,
    sub: claims.username,
    aud: claims.audience,
    exp: Math.floor(now / 1000) + 180,
  });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

async function jwtLogin(
  settings: Extract<SalesforceAuthSettings, { kind: 'jwt' }>,
  http: HttpTransport,
  signal: AbortSignal,
): Promise<SalesforceSession> {
  const assertion = jwtAssertion(
    { clientId: settings.clientId, username: settings.username, audience: settings.loginUrl },
    settings.privateKey,
  );
  const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  const { response, text } = await send(
    http,
    `${settings.loginUrl}/services/oauth2/token`,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
    signal,
    'salesforce login',
  );
  const data = safeParse(text) as {
    access_token?: string;
    instance_url?: string;
    error?: string;
    error_description?: string;
  };
  if (response.ok && data?.access_token) {
    const instanceUrl = settings.instanceUrl ?? data.instance_url?.replace(/\/+$/, '');
    if (!instanceUrl)
      throw new PermanentDeliveryError(
        'salesforce: the login returned no instance_url; set SALESFORCE_INSTANCE_URL',
      );
    // The token goes wherever instance_url says: only over https (or to loopback, as the login URL).
    if (!isSecureUrl(instanceUrl))
      throw new PermanentDeliveryError(
        'salesforce: the login returned an instance_url that is not https; set SALESFORCE_INSTANCE_URL',
      );
    return { accessToken: data.access_token, instanceUrl };
  }
  const said = data?.error ? `${data.error}: ${data.error_description ?? ''}` : quote(text, 200);
  if (isRetryableStatus(response.status)) {
    throw new RetryableDeliveryError(
      `salesforce: login failed with ${response.status} (${said})`,
      retryAfterOf(response),
    );
  }
  throw new PermanentDeliveryError(
    `salesforce: the JWT bearer login was refused (${response.status}, ${said}); check SALESFORCE_CLIENT_ID, ` +
      'SALESFORCE_USERNAME, SALESFORCE_PRIVATE_KEY, SALESFORCE_LOGIN_URL and that the user is pre-authorised ' +
      'for the connected app',
  );
}

function safeParse(text: string): Record<string, string> | undefined {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return undefined;
  }
}
