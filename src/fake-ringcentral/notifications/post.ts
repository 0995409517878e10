import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** Status line, headers and body as received, in bytes (the handshake allows 1024). */
  responseBytes: number;
}

export class PostError extends Error {
  override name = 'PostError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'stale-socket',
  ) {
    super(message);
  }
}

/**
 * Outgoing webhook POSTs (handshakes, notifications) over node:http with keep-alive agents the fake
 * owns and destroys on close, so no socket outlives it. The timeout covers the whole exchange.
 */
export function createPoster() {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  let closed = false;
  const pending = new Set<http.ClientRequest>();

  function attempt(url: URL, headers: Record<string, string>, payload: Buffer, timeoutMs: number) {
    return new Promise<PostResult>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'Content-Length': String(payload.length) },
      });
      pending.add(request);
      request.on('close', () => pending.delete(request));
      const timer = setTimeout(() => {
        request.destroy(new PostError(`no answer in ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      request.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err instanceof PostError) return reject(err);
        // A kept-alive socket the receiver closed meanwhile: not the receiver's fault (Node docs).
        const stale = request.reusedSocket && err.code === 'ECONNRESET';
        reject(new PostError(err.message, stale ? 'stale-socket' : 'network'));
      });
      request.on('response', (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          clearTimeout(timer);
          const headerBytes = res.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            responseBytes: bytes + headerBytes + 15,
          });
        });
        res.on('error', (err) => request.destroy(err));
      });
      request.end(payload);
    });
  }

  /** One POST; retried once, on a fresh socket, only when a reused keep-alive socket was reset. */
  async function post(address: string, headers: Record<string, string>, body: string, timeoutMs: number) {
    if (closed) throw new PostError('the fake RingCentral is closed', 'network');
    const url = new URL(address);
    const payload = Buffer.from(body);
    try {
      return await attempt(url, headers, payload, timeoutMs);
    } catch (err) {
      if (!(err instanceof PostError) || err.kind !== 'stale-socket' || closed) throw err;
      return attempt(url, headers, payload, timeoutMs);
    }
  }

  return {
    post,
    close(): void {
      closed = true;
      for (const request of pending)
        request.destroy(new PostError('the fake RingCentral is closed', 'network'));
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export type Poster = ReturnType<typeof createPoster>;
