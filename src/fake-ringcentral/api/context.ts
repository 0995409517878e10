import type { CallState } from '../calls/state.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { ResolvedOptions } from '../options.js';

/** What the API routes read: options, the simulator's calls, and the URLs known once listening. */
export interface ApiContext {
  options: ResolvedOptions;
  calls: () => readonly CallState[];
  /** `http://host:port` the fake listens on (uris in records point here). */
  baseUrl: () => string;
  /** Base of recording `contentUri`s: `baseUrl`, or `mediaHostname` on the same port. */
  mediaBaseUrl: () => string;
}

/** Newest first, as RingCentral orders both lists; ties by creation order, newest first. */
export const byStartDescending = (a: CallState, b: CallState) =>
  b.startedAt - a.startedAt || b.index - a.index;

/**
 * The account- and extension-level GET routes of one call list (`active-calls`, `call-log`): both are
 * Heavy and need ReadCallLog.
 */
export function callListRoutes(
  resource: string,
  handler: (req: RouteRequest) => ReturnType<Route['handler']>,
): Route[] {
  const route = (pattern: string): Route => ({
    method: 'GET',
    pattern,
    group: 'Heavy',
    auth: 'bearer',
    permission: 'ReadCallLog',
    handler,
  });
  return [
    route(`/restapi/v1.0/account/{accountId}/${resource}`),
    route(`/restapi/v1.0/account/{accountId}/extension/{extensionId}/${resource}`),
  ];
}
