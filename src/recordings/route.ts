import { basename, dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode, PermanentError, ReauthenticateError, RetryableError } from '../errors.js';
import type { Metrics } from '../infra/metrics.js';
import { RECORDINGS_PATH, verifyRecordingLink, type RecordingRef } from './link.js';
import type { RecordingStore } from './store.js';

interface Deps {
  store: Pick<RecordingStore, 'open'>;
  secret: string;
  metrics: Pick<Metrics, 'recordingLinksServed' | 'recordingFailures'>;
  logger: Logger;
  now?: () => number;
}

interface LinkRequest {
  Params: { accountId: string; file: string };
  Querystring: { expires?: string; signature?: string };
}

/**
 * `GET /recordings/<accountId>/<recordingId>.mp3?expires=…&signature=…`: streams one recording to
 * whoever holds a genuine, unexpired link (a CRM user's browser), with Range for seeking. The
 * RingCentral token stays here: the audio is fetched server-side and served from the local cache.
 */
export function recordingLinkRoute({ store, secret, metrics, logger, now = Date.now }: Deps) {
  return async function recordingLinks(app: FastifyInstance) {
    app.get<LinkRequest>(`${RECORDINGS_PATH}/:accountId/:file`, async (request, reply) => {
      const match = /^(.+)\.(mp3|wav)$/.exec(request.params.file);
      const ref: RecordingRef = { accountId: request.params.accountId, recordingId: match?.[1] ?? '' };
      const { expires, signature } = request.query;
      const verdict = verifyRecordingLink(ref, expires, signature, secret, now());
      if (verdict !== 'ok') {
        metrics.recordingLinksServed.inc({ outcome: verdict === 'expired' ? 'expired' : 'forbidden' });
        return refuse(
          reply,
          403,
          verdict === 'expired' ? 'This recording link has expired' : 'Invalid recording link',
        );
      }

      let recording;
      try {
        recording = await store.open(ref);
      } catch (err) {
        return failed(reply, err);
      }
      const sent = await send(request.raw, encodeURIComponent(basename(recording.path)), {
        root: dirname(recording.path),
        contentType: false,
        cacheControl: false,
        dotfiles: 'deny',
      });
      metrics.recordingLinksServed.inc({ outcome: 'served' });
      reply.code(sent.statusCode).headers(sent.headers as Record<string, string>);
      if (sent.statusCode === 200 || sent.statusCode === 206) {
        reply
          .type(recording.contentType)
          // The link is the credential: browsers may keep the audio, shared caches must not.
          .header('Cache-Control', 'private, max-age=3600')
          .header('Content-Disposition', 'inline');
      }
      return reply.send(sent.stream);
    });

    function failed(reply: FastifyReply, err: unknown) {
      if (err instanceof RetryableError || err instanceof ReauthenticateError) {
        metrics.recordingLinksServed.inc({ outcome: 'unavailable' });
        metrics.recordingFailures.inc({ stage: 'download' });
        const retryAfterMs = err instanceof RetryableError ? err.retryAfterMs : undefined;
        reply.header('Retry-After', String(Math.max(1, Math.ceil((retryAfterMs ?? 30_000) / 1000))));
        return refuse(reply, 503, 'The recording cannot be fetched right now; try again shortly');
      }
      if (err instanceof PermanentError && err.code === ErrorCode.NotFound) {
        metrics.recordingLinksServed.inc({ outcome: 'not-found' });
        return refuse(reply, 404, 'This recording is no longer available');
      }
      // A missing permission or an untrusted host: the operator must act; the listener learns nothing more.
      metrics.recordingLinksServed.inc({ outcome: 'unavailable' });
      metrics.recordingFailures.inc({ stage: 'download' });
      logger.error({ err: (err as Error).message }, 'serving a recording failed');
      return refuse(reply, 502, 'The recording cannot be fetched');
    }
  };
}

function refuse(reply: FastifyReply, status: number, message: string) {
  const error = { 403: 'Forbidden', 404: 'Not Found', 502: 'Bad Gateway' }[status] ?? 'Service Unavailable';
  return reply.code(status).header('Cache-Control', 'no-store').send({ statusCode: status, error, message });
}
