import type { RingCentralCallRecord } from '../calls/types.js';
import type { RingCentralRequests } from '../ringcentral/client.js';

/** A period of the Call Log, by the calls' start time, read page by page. */
export interface CallLogPeriod {
  /** Milliseconds, inclusive; RingCentral filters `dateFrom`/`dateTo` on the record's `startTime`. */
  from: number;
  to: number;
}

export interface CallLogPage {
  records: RingCentralCallRecord[];
  /** Another page follows (RingCentral's `navigation.nextPage`, or `paging.totalPages`). */
  hasMore: boolean;
  /** When RingCentral says (it may omit it "for performance reasons"). */
  totalPages?: number;
}

interface CallLogResponse {
  records?: RingCentralCallRecord[];
  paging?: { page?: number; totalPages?: number };
  navigation?: { nextPage?: { uri: string } };
}

/**
 * One page of the company Call Log (`GET /account/~/call-log`, Heavy) for a period, at the lowest
 * priority of the Heavy budget: reconcile and back-fill never take a slot a lookup needs. Throws
 * RetryableError (with how long to wait) when the budget or RingCentral says not now.
 *
 * `dateTo` is fixed for the whole scan, so records that appear while we page (calls ending meanwhile)
 * can only push others to a later page, read twice, never skipped. Detailed view: the same records the
 * normal path's Call Log lookup delivers.
 */
export async function fetchCallLogPage(
  client: Pick<RingCentralRequests, 'request'>,
  period: CallLogPeriod,
  page: number,
  perPage: number,
): Promise<CallLogPage> {
  const { data } = await client.request<CallLogResponse>({
    path: '/restapi/v1.0/account/~/call-log',
    query: {
      view: 'Detailed',
      type: 'Voice',
      dateFrom: new Date(period.from).toISOString(),
      dateTo: new Date(period.to).toISOString(),
      perPage,
      page,
    },
    group: 'Heavy',
    priority: 'background',
  });
  const records = data?.records ?? [];
  const totalPages = data?.paging?.totalPages;
  const hasMore =
    records.length > 0 &&
    (totalPages !== undefined ? page < totalPages : Boolean(data?.navigation?.nextPage));
  return { records, hasMore, ...(totalPages !== undefined ? { totalPages } : {}) };
}

/** The Call Log's records grouped by call (telephonySessionId); records without one are counted apart. */
export function groupByCall(records: RingCentralCallRecord[]) {
  const calls = new Map<string, RingCentralCallRecord[]>();
  let unidentified = 0;
  for (const record of records) {
    if (!record.telephonySessionId) {
      unidentified++;
      continue;
    }
    const list = calls.get(record.telephonySessionId) ?? [];
    list.push(record);
    calls.set(record.telephonySessionId, list);
  }
  return { calls, unidentified };
}
