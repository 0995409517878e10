import { recordingMeta } from '../calls/records.js';
import { notFound } from '../http/errors.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { ApiContext } from './context.js';

/** An ID3 header and one silent MPEG frame header: enough for anything sniffing the content type. */
const fakeMp3 = Buffer.from([
  0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64, 0x00, 0x00,
]);

/**
 * Recording metadata and content (Heavy, ReadCallRecording). A recording exists once its answered,
 * recorded call has ended. Content is served on this same server (under `mediaHostname` if set).
 */
export function recordingRoutes(ctx: ApiContext): Route[] {
  function find(req: RouteRequest) {
    const id = req.params.recordingId ?? '';
    const call = ctx
      .calls()
      .find((c) => c.recordingId === id && c.endedAt !== undefined && c.answeredAt !== undefined);
    if (!call) throw notFound('recordingId', id);
    return call;
  }

  const route = (pattern: string, handler: Route['handler']): Route => ({
    method: 'GET',
    pattern,
    group: 'Heavy',
    auth: 'bearer',
    permission: 'ReadCallRecording',
    handler,
  });
  const base = '/restapi/v1.0/account/{accountId}/recording/{recordingId}';
  return [
    route(base, (req) => {
      const call = find(req);
      const meta = recordingMeta(call, { baseUrl: ctx.baseUrl(), mediaBaseUrl: ctx.mediaBaseUrl() });
      const seconds = Math.round(((call.endedAt ?? 0) - (call.answeredAt ?? 0)) / 1000);
      return {
        body: { id: meta?.id, contentUri: meta?.contentUri, contentType: 'audio/mpeg', duration: seconds },
      };
    }),
    route(`${base}/content`, (req) => {
      find(req);
      return { raw: fakeMp3, contentType: 'audio/mpeg' };
    }),
  ];
}
