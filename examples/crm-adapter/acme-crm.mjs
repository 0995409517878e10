/**
 * An rc-enrich CRM adapter for "Acme CRM", a made-up REST CRM. Copy this file, change the HTTP call,
 * and point CRM_ADAPTER at it:
 *
 *   CRM_ADAPTER=./my-crm.mjs ACME_CRM_URL=https://acme.example ACME_CRM_API_KEY=… npm start
 *
 * Acme CRM's API, as this example assumes it:
 *   POST {ACME_CRM_URL}/v1/activities      Authorization: Bearer <API key>
 *   Idempotency-Key: <key>                 the same key twice returns the first activity (200), no copy
 *   201 { id } created · 200 { id } already had it · 401 bad key · 400 bad data · 429 + Retry-After · 5xx
 *   POST {ACME_CRM_URL}/v1/activities/by-key/<key>/updates   the same, to change the activity that was
 *                                          created with Idempotency-Key <key> (only the fields sent)
 *
 * The contract (src/adapters/types.ts): the module default-exports a factory `(options) => adapter`,
 * sync or async. The adapter is `{ name, deliver(call, ctx), close?() }`:
 *   - `deliver` resolves when the CRM has the call (optionally with `{ crmId }`), or throws.
 *   - Any error is retried later with backoff. Set `retryAfterMs` on it to wait at least that long.
 *   - Set `permanent = true` on an error to give up at once (the call goes to the dead letters, from
 *     which `rc-enrich dlq replay` can send it again once you fixed the cause).
 *   - `ctx.idempotencyKey` is the same on every attempt at one call: hand it to the CRM (here the
 *     Idempotency-Key header) so a retry after a lost response cannot create a second record.
 *   - `update(call, ctx)` (optional) runs when a delivered call gains data later, typically a recording
 *     RingCentral was still processing (`ctx.changes` says what: 'recording', 'records'). Change the
 *     record `deliver` made (found by `ctx.idempotencyKey`), never create another; `ctx.updateKey` is
 *     stable across attempts at this update. Without `update`, late data is skipped.
 */

/** An error the deliver worker understands without importing anything from rc-enrich. */
class AcmeError extends Error {
  constructor(message, { permanent = false, retryAfterMs } = {}) {
    super(message);
    this.name = 'AcmeError';
    this.permanent = permanent;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The factory: read and check settings once, at start. Throwing here stops rc-enrich from starting,
 * with your message, so name the variable that is missing.
 */
export default function createAcmeAdapter(options) {
  const baseUrl = options.env.ACME_CRM_URL;
  const apiKey = options.env.ACME_CRM_API_KEY;
  if (!baseUrl)
    throw new Error('ACME_CRM_URL is required (the Acme CRM API base, e.g. https://acme.example)');
  if (!apiKey) throw new Error('ACME_CRM_API_KEY is required (Acme CRM → Settings → API keys)');
  const endpoint = new URL('/v1/activities', baseUrl).href;
  // options.fetch lets tests and proxies swap the transport; never log the API key.
  const send = options.fetch ?? fetch;
  options.logger.info({ endpoint }, 'Acme CRM adapter ready');

  /** One POST with our key; the answer decides: done, retry later, or give up. */
  async function postActivity(url, key, body, ctx, done) {
    const response = await post(send, url, {
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
      signal: ctx.signal,
    });
    if (response.ok) {
      const { id } = JSON.parse(response.text);
      ctx.logger.info({ activityId: id, attempt: ctx.attempt }, `call ${done} in Acme CRM`);
      return { crmId: String(id) };
    }
    const text = response.text.slice(0, 200);
    if (response.status === 429 || response.status >= 500) {
      const seconds = Number(response.headers.get('retry-after'));
      throw new AcmeError(`Acme CRM answered ${response.status}`, {
        retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      });
    }
    if (response.status === 401 || response.status === 403) {
      throw new AcmeError(`Acme CRM refused ACME_CRM_API_KEY (${response.status})`, { permanent: true });
    }
    throw new AcmeError(`Acme CRM rejected the call (${response.status}: ${text})`, { permanent: true });
  }

  return {
    name: 'acme-crm',

    deliver: (call, ctx) => postActivity(endpoint, ctx.idempotencyKey, toActivity(call), ctx, 'logged'),

    // Only what is new: a person may have edited the activity's notes in Acme CRM since.
    update: (call, ctx) =>
      postActivity(
        `${endpoint}/by-key/${encodeURIComponent(ctx.idempotencyKey)}/updates`,
        ctx.updateKey,
        { recordingUrl: recordingOf(call), ...(ctx.changes.includes('records') ? toActivity(call) : {}) },
        ctx,
        'updated',
      ),

    // Nothing to release here; a client with a connection pool or a file would close it.
    async close() {},
  };
}

/**
 * POST and read the answer within 10 s, or sooner if rc-enrich aborts the delivery (shutdown, job
 * timeout). Returns `{ ok, status, headers, text }`. A plain timer rather than AbortSignal.timeout():
 * on Node 20 a timeout signal used only inside AbortSignal.any() can be garbage-collected and then
 * never fires.
 */
async function post(send, url, { signal, ...init }) {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('no answer within 10 s')), 10_000);
  try {
    const response = await send(url, {
      ...init,
      method: 'POST',
      signal: AbortSignal.any([signal, deadline.signal]),
    });
    const text = await response.text();
    return { ok: response.ok, status: response.status, headers: response.headers, text };
  } catch (err) {
    throw new AcmeError(`Acme CRM unreachable: ${err.message}`); // network errors and timeouts: retry
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What Acme CRM stores. `call.records` are RingCentral's call-log records as RingCentral returned them
 * (empty when the call was only seen in notifications, `call.source === 'event'`); `call.parties` are
 * the last notification per party.
 */
function toActivity(call) {
  const record = call.records[0];
  const party = call.parties.find((p) => p.from || p.to);
  const direction = (record?.direction ?? party?.direction ?? 'Inbound').toLowerCase();
  return {
    type: 'call',
    externalId: call.telephonySessionId,
    direction,
    startedAt: record?.startTime ?? call.firstSeenAt,
    durationSeconds: record?.duration ?? null,
    from: record?.from?.phoneNumber ?? party?.from?.phoneNumber ?? null,
    to: record?.to?.phoneNumber ?? party?.to?.phoneNumber ?? null,
    result: record?.result ?? null,
    recordingUrl: recordingOf(call),
  };
}

/** A link that plays in a browser when rc-enrich serves one (RECORDING_LINK_SECRET), else RingCentral's. */
function recordingOf(call) {
  return call.recordings?.[0]?.url ?? call.records.find((r) => r.recording)?.recording?.contentUri ?? null;
}
