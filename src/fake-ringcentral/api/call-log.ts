import { recordJson } from '../calls/records.js';
import { inCallLog, involves, type CallState } from '../calls/state.js';
import { invalidParameter } from '../http/errors.js';
import { pageOf, rawPageResult } from '../http/paging.js';
import type { Route, RouteRequest } from '../http/router.js';
import { byStartDescending, callListRoutes, type ApiContext } from './context.js';

const day = 24 * 60 * 60 * 1000;

function parseDate(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = Date.parse(raw);
  if (Number.isNaN(value)) throw invalidParameter(name, raw);
  return value;
}

/** The supported filters; unknown parameters are ignored. Throws CMN-101 on malformed values. */
function parseFilters(query: URLSearchParams, now: number) {
  const dateTo = parseDate(query, 'dateTo') ?? now;
  const dateFrom = parseDate(query, 'dateFrom') ?? dateTo - day;
  const view = query.get('view') ?? 'Simple';
  if (view !== 'Simple' && view !== 'Detailed') throw invalidParameter('view', view);
  const directions = query.getAll('direction');
  const badDirection = directions.find((d) => d !== 'Inbound' && d !== 'Outbound');
  if (badDirection !== undefined) throw invalidParameter('direction', badDirection);
  const sessionId = query.get('sessionId');
  const telephonySessionId = query.get('telephonySessionId');
  const matches = (c: CallState) =>
    c.startedAt >= dateFrom &&
    c.startedAt <= dateTo &&
    (sessionId === null || c.sessionId === sessionId) &&
    (telephonySessionId === null || c.telephonySessionId === telephonySessionId) &&
    (directions.length === 0 || directions.includes(c.direction));
  return { view: view as 'Simple' | 'Detailed', matches };
}

/**
 * Call Log, account and extension level (Heavy, ReadCallLog): ended calls whose call-log delay has
 * passed. Filters: sessionId, telephonySessionId, dateFrom/dateTo (on startTime, inclusive;
 * dateFrom defaults to dateTo − 24 h), direction (repeatable), view Simple|Detailed, paging.
 */
export function callLogRoutes(ctx: ApiContext): Route[] {
  function list(req: RouteRequest) {
    const now = ctx.options.now();
    const { view, matches } = parseFilters(req.query, now);
    const extensionId = req.extensionId;
    const calls = ctx
      .calls()
      .filter(
        (c) => inCallLog(c, now) && matches(c) && (extensionId === undefined || involves(c, extensionId)),
      )
      .sort(byStartDescending);
    const base = { baseUrl: ctx.baseUrl(), mediaBaseUrl: ctx.mediaBaseUrl(), now, view };
    return rawPageResult(pageOf(calls, req.query, ctx.baseUrl() + req.path, (c) => recordJson(c, base)));
  }

  return callListRoutes('call-log', list);
}
