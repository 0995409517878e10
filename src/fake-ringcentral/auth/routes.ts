import { randomBytes } from 'node:crypto';
import { oauthError } from '../http/errors.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { ResolvedOptions } from '../options.js';
import { readClientCredentials } from './client-credentials.js';
import type { TokenStore } from './tokens.js';

const jwtGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** `POST /restapi/oauth/token` (JWT and refresh grants) and `POST /restapi/oauth/revoke`, group Auth. */
export function oauthRoutes(options: ResolvedOptions, tokens: TokenStore): Route[] {
  const endpointId = randomBytes(12).toString('base64url');

  function authenticateClient(req: RouteRequest, form: URLSearchParams): void {
    const { clientId, clientSecret } = readClientCredentials(req.headers, form);
    if (clientId !== options.clientId || clientSecret !== options.clientSecret) {
      const shown = clientId ?? '';
      throw oauthError(401, 'invalid_client', `Invalid client: ${shown}`, 'OAU-146', {
        parameters: [{ parameterName: 'client_id', parameterValue: shown }],
      });
    }
  }

  function tokenResponse(ownerId: string) {
    const pair = tokens.issue(ownerId);
    return {
      access_token: pair.access,
      token_type: 'bearer',
      expires_in: pair.accessTtlSec,
      refresh_token: pair.refresh,
      refresh_token_expires_in: pair.refreshTtlSec,
      scope: [...options.permissions].join(' '),
      owner_id: ownerId,
      endpoint_id: endpointId,
    };
  }

  function grant(req: RouteRequest) {
    const form = new URLSearchParams(req.body.toString('utf8'));
    authenticateClient(req, form);
    const grantType = form.get('grant_type');
    if (grantType === jwtGrant) {
      const assertion = form.get('assertion');
      if (!assertion) throw oauthError(400, 'invalid_request', 'Parameter [assertion] is missing', 'OAU-140');
      if (assertion !== options.jwt) {
        throw oauthError(400, 'invalid_grant', 'Invalid resource owner credentials', 'OAU-140');
      }
      return { body: tokenResponse(options.ownerExtensionId) };
    }
    if (grantType === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      const checked = tokens.checkRefresh(refresh);
      if (!checked.ok) {
        const description = checked.reason === 'expired' ? 'Token is expired' : 'Token not found';
        throw oauthError(400, 'invalid_grant', description, 'OAU-211');
      }
      tokens.revoke(refresh);
      return { body: tokenResponse(checked.info.ownerId) };
    }
    throw oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType ?? ''}`, 'OAU-112');
  }

  function revoke(req: RouteRequest) {
    const form = new URLSearchParams(req.body.toString('utf8'));
    authenticateClient(req, form);
    tokens.revoke(form.get('token') ?? '');
    return { status: 200 };
  }

  return [
    { method: 'POST', pattern: '/restapi/oauth/token', group: 'Auth', auth: 'client', handler: grant },
    { method: 'POST', pattern: '/restapi/oauth/revoke', group: 'Auth', auth: 'client', handler: revoke },
  ];
}
