import type { TelephonyParty } from '../calls/types.js';

/**
 * Whether one (expanded) event filter asks for this party event: the account-level telephony filter
 * covers every party; the extension-level one only that extension's parties (PSTN parties never
 * reach it, https://developers.ringcentral.com/guide/notifications/event-filters/account-telephony-sessions). Of the filter's query parameters, `statusCode` and `missedCall` are honoured.
 */
export function filterCovers(filter: string, accountId: string, party: TelephonyParty): boolean {
  const [path = '', query = ''] = filter.split('?', 2);
  const base = `/restapi/v1.0/account/${accountId}`;
  if (path !== `${base}/telephony/sessions`) {
    if (!party.extensionId || path !== `${base}/extension/${party.extensionId}/telephony/sessions`)
      return false;
  }
  const params = new URLSearchParams(query);
  const statusCode = params.get('statusCode');
  if (statusCode && statusCode.toLowerCase() !== party.status.code.toLowerCase()) return false;
  if (params.get('missedCall') === 'true' && !party.missedCall) return false;
  return true;
}
