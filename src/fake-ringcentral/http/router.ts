import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitGroup } from '../types.js';
import type { TokenInfo } from '../auth/tokens.js';
import type { RouteResult } from './io.js';

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The caller's token; set on every `auth: 'bearer'` route. */
  token?: TokenInfo;
  /** `{accountId}` and `{extensionId}` with `~` replaced by real ids (when the route has them). */
  accountId?: string;
  extensionId?: string;
}

export interface Route {
  method: string;
  /** e.g. `/restapi/v1.0/account/{accountId}/active-calls` */
  pattern: string;
  group: RateLimitGroup;
  auth: 'bearer' | 'client';
  permission?: string;
  handler: (req: RouteRequest) => RouteResult | Promise<RouteResult>;
}

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** A tiny exact-match router: RingCentral paths are few and fixed, a trie would be overkill. */
export function createRouter(routes: Route[]) {
  const compiled: Compiled[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.pattern.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, regex: new RegExp(`^${source}/?$`), names };
  });

  return {
    match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
      for (const { route, regex, names } of compiled) {
        if (route.method !== method) continue;
        const found = regex.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(found[i + 1] ?? '');
        });
        return { route, params };
      }
      return undefined;
    },
  };
}

export const routeName = (route: Route) => `${route.method} ${route.pattern}`;
