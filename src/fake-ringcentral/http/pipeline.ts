import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readClientCredentials } from '../auth/client-credentials.js';
import type { TokenStore } from '../auth/tokens.js';
import type { Faults } from '../observe/faults.js';
import type { Stats } from '../observe/stats.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { RequestLogEntry } from '../types.js';
import * as errors from './errors.js';
import { RcError } from './errors.js';
import { errorResult, readBody, send, type RouteResult } from './io.js';
import { routeName, type Route, type RouteRequest, type createRouter } from './router.js';

interface Deps {
  router: ReturnType<typeof createRouter>;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: Faults;
  stats: Stats;
  logger: Logger;
  now: () => number;
  accountId: string;
  ownerExtensionId: string;
  permissions: Set<string>;
}

/**
 * One request, in RingCentral's order: injected faults, route, token (401), rate limit (429),
 * app permission (403), `{accountId}` (404), handler. Rate-limit headers go on every answer
 * after the limiter has counted the request.
 */
export function createPipeline(deps: Deps) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const scheme = /^(\w+)\s/.exec(req.headers.authorization ?? '')?.[1]?.toLowerCase();
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: queryObject(url.searchParams),
      status: 0,
      time: deps.now(),
      host: req.headers.host ?? '',
      authorization: req.headers.authorization !== undefined,
      authScheme: scheme,
      fault: false,
    };
    let limitHeaders: Record<string, string> = {};
    let result: RouteResult;
    try {
      const body = await readBody(req);
      const matched = deps.router.match(method, url.pathname);
      if (matched) {
        entry.route = routeName(matched.route);
        entry.group = matched.route.group;
      }
      const fault = deps.faults.take(method, url.pathname);
      if (fault) {
        entry.fault = true;
        result = fault;
      } else if (!matched) {
        result = errorResult(errors.invalidUri());
      } else {
        const request: RouteRequest = {
          method,
          path: url.pathname,
          params: matched.params,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        result = await run(matched.route, request, (headers) => (limitHeaders = headers));
      }
    } catch (err) {
      if (!(err instanceof RcError))
        deps.logger.error({ err, path: url.pathname }, 'fake RingCentral handler failed');
      result = errorResult(err instanceof RcError ? err : errors.internalError());
    }
    entry.status = result.status ?? 200;
    deps.stats.recordRequest(entry);
    send(res, result, limitHeaders);
  };

  async function run(route: Route, req: RouteRequest, setLimitHeaders: (h: Record<string, string>) => void) {
    let limitKey: string;
    if (route.auth === 'bearer') {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const checked = deps.tokens.checkAccess(token);
      if (!checked.ok) throw checked.reason === 'expired' ? errors.tokenExpired() : errors.tokenNotFound();
      req.token = checked.info;
      limitKey = `owner:${checked.info.ownerId}`;
    } else {
      const form = new URLSearchParams(req.body.toString('utf8'));
      limitKey = `client:${readClientCredentials(req.headers, form).clientId ?? ''}`;
    }

    const decision = deps.limiter.hit(limitKey, route.group);
    setLimitHeaders(decision.headers);
    if (!decision.allowed) throw errors.rateExceeded(decision.retryAfterSec ?? 60);

    if (route.permission && !deps.permissions.has(route.permission)) {
      throw errors.insufficientPermissions(route.permission);
    }
    const { accountId, extensionId } = req.params;
    if (accountId !== undefined) {
      if (accountId !== '~' && accountId !== deps.accountId) throw errors.notFound('accountId', accountId);
      req.accountId = deps.accountId;
    }
    if (extensionId !== undefined)
      req.extensionId = extensionId === '~' ? deps.ownerExtensionId : extensionId;
    return route.handler(req);
  }
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}
