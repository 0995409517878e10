import { recordJson } from '../calls/records.js';
import { inActiveCalls, involves } from '../calls/state.js';
import { pageOf, rawPageResult } from '../http/paging.js';
import type { Route, RouteRequest } from '../http/router.js';
import { byStartDescending, callListRoutes, type ApiContext } from './context.js';

/**
 * Active Calls, account and extension level (Heavy, ReadCallLog). Visibility is computed from
 * timestamps at request time: no timers. Apart from paging, query parameters are ignored, as the
 * docs say RingCentral does ("Query parameters are dropped ... only Simple views").
 */
export function activeCallsRoutes(ctx: ApiContext): Route[] {
  function list(req: RouteRequest) {
    const now = ctx.options.now();
    const extensionId = req.extensionId;
    const calls = ctx
      .calls()
      .filter((c) => inActiveCalls(c, now) && (extensionId === undefined || involves(c, extensionId)))
      .sort(byStartDescending);
    const base = { baseUrl: ctx.baseUrl(), mediaBaseUrl: ctx.mediaBaseUrl(), now, view: 'Simple' as const };
    return rawPageResult(pageOf(calls, req.query, ctx.baseUrl() + req.path, (c) => recordJson(c, base)));
  }

  return callListRoutes('active-calls', list);
}
