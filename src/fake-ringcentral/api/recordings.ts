import { createHash } from 'node:crypto';
import { recordingMeta } from '../calls/records.js';
import { recordingAvailable } from '../calls/state.js';
import { notFound, rcError } from '../http/errors.js';
import type { RouteResult } from '../http/io.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { ApiContext } from './context.js';

/** An ID3 header and one silent MPEG frame header: enough for anything sniffing the content type. */
const mp3Header = Buffer.from([
  0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64, 0x00, 0x00,
]);

/**
 * A recording's audio: the MP3 header, then bytes derived from the recording id, so a test can tell
 * any two recordings (and any two ranges of one) apart and check what it received byte for byte.
 */
export function fakeRecordingContent(recordingId: string, size: number): Buffer {
  const content = Buffer.alloc(Math.max(size, mp3Header.length));
  mp3Header.copy(content);
  for (let offset = mp3Header.length, block = 0; offset < content.length; block++) {
    const digest = createHash('sha256').update(`${recordingId}:${block}`).digest();
    offset += digest.copy(content, offset);
  }
  return content;
}

/**
 * Recording metadata and content (Heavy, ReadCallRecording). A recording exists once its answered,
 * recorded call has ended and `recordingDelayMs` passed. Content is served on this same server (under
 * `mediaHostname` if set), in full or for one `Range: bytes=…` (206), as media servers do.
 */
export function recordingRoutes(ctx: ApiContext): Route[] {
  function find(req: RouteRequest) {
    const id = req.params.recordingId ?? '';
    const now = ctx.options.now();
    const call = ctx.calls().find((c) => c.recordingId === id && recordingAvailable(c, now));
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
      const meta = recordingMeta(call, {
        baseUrl: ctx.baseUrl(),
        mediaBaseUrl: ctx.mediaBaseUrl(),
        now: ctx.options.now(),
      });
      const seconds = Math.round(((call.endedAt ?? 0) - (call.answeredAt ?? 0)) / 1000);
      return {
        body: { id: meta?.id, contentUri: meta?.contentUri, contentType: 'audio/mpeg', duration: seconds },
      };
    }),
    route(`${base}/content`, (req) => {
      const call = find(req);
      const content = fakeRecordingContent(call.recordingId ?? '', ctx.options.recordingBytes);
      return ranged(content, req.headers.range);
    }),
  ];
}

/** One `bytes=start-end` range (or `bytes=-suffix`); anything else is served whole, as RFC 9110 allows. */
function ranged(content: Buffer, range: string | undefined): RouteResult {
  const whole = { raw: content, contentType: 'audio/mpeg', headers: { 'Accept-Ranges': 'bytes' } };
  const match = range === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return whole;
  const size = content.length;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    const error = rcError(416, 'CMN-101', 'Requested range not satisfiable');
    return { status: 416, body: error.body, headers: { 'Content-Range': `bytes */${size}` } };
  }
  return {
    status: 206,
    raw: content.subarray(start, end + 1),
    contentType: 'audio/mpeg',
    headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${start}-${end}/${size}` },
  };
}
