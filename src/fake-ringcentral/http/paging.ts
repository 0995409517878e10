import { invalidParameter } from './errors.js';
import type { RouteResult } from './io.js';

const maxPerPage = 1000;

/** `perPage`: 1–1000 or "max" (= 1000), default 100, larger integers capped at 1000 (spec PerPageWithMax). */
export function parsePaging(query: URLSearchParams): { page: number; perPage: number } {
  const rawPerPage = query.get('perPage');
  let perPage = 100;
  if (rawPerPage !== null) {
    if (rawPerPage.toLowerCase() === 'max') perPage = maxPerPage;
    else if (/^\d+$/.test(rawPerPage) && Number(rawPerPage) >= 1)
      perPage = Math.min(Number(rawPerPage), maxPerPage);
    else throw invalidParameter('perPage', rawPerPage);
  }
  const rawPage = query.get('page');
  let page = 1;
  if (rawPage !== null) {
    if (!/^\d+$/.test(rawPage) || Number(rawPage) < 1) throw invalidParameter('page', rawPage);
    page = Number(rawPage);
  }
  return { page, perPage };
}

/**
 * A `CallLogResponse`: one page of `all` (only that page goes through `toRecord`), `paging`
 * (pageStart/pageEnd are 0-based and omitted on an empty page) and `navigation` links that repeat
 * the request's query with another `page`.
 */
export function pageOf<T, R>(
  all: readonly T[],
  query: URLSearchParams,
  requestUrl: string,
  toRecord: (item: T) => R,
) {
  const { page, perPage } = parsePaging(query);
  const totalElements = all.length;
  const totalPages = Math.max(1, Math.ceil(totalElements / perPage));
  const start = (page - 1) * perPage;
  const records = all.slice(start, start + perPage).map(toRecord);

  const link = (p: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(p));
    params.set('perPage', String(perPage));
    return { uri: `${requestUrl}?${params.toString()}` };
  };
  return {
    uri: link(page).uri,
    records,
    paging: {
      page,
      totalPages,
      perPage,
      totalElements,
      ...(records.length > 0 ? { pageStart: start, pageEnd: start + records.length - 1 } : {}),
    },
    navigation: {
      firstPage: link(1),
      ...(page < totalPages ? { nextPage: link(page + 1) } : {}),
      ...(page > 1 ? { previousPage: link(Math.min(page - 1, totalPages)) } : {}),
      lastPage: link(totalPages),
    },
  };
}

/** A page whose records are already JSON text, sent without parsing them again. */
export function rawPageResult(page: ReturnType<typeof pageOf<unknown, string>>): RouteResult {
  const { uri, records, paging, navigation } = page;
  const text = `{"uri":${JSON.stringify(uri)},"records":[${records.join(',')}],"paging":${JSON.stringify(paging)},"navigation":${JSON.stringify(navigation)}}`;
  return { raw: Buffer.from(text), contentType: 'application/json; charset=utf-8' };
}
