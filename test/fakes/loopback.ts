import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The shared plumbing of the loopback CRM fakes: a real HTTP server on 127.0.0.1, every request
 * recorded, and failures answered on demand ("the next 2 requests get 503").
 */
export interface RecordedRequest {
  method: string;
  /** Path with the query string. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only requests whose `METHOD path` matches (default: every request). */
  match?: RegExp;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

export interface Loopback {
  url: string;
  requests: RecordedRequest[];
  /** The next matching request gets this answer instead of the normal one (queue; each used once). */
  failNext(answer: ScriptedAnswer, times?: number): void;
  /** Requests matching `match` get no answer until `release()` (to test timeouts and aborts). */
  hang(match?: RegExp): { release(): void };
  close(): Promise<void>;
}

export async function startLoopback(
  handle: (request: RecordedRequest) => Reply | Promise<Reply>,
): Promise<Loopback> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const hangs: Array<{ match: RegExp; waiting: Array<() => void>; released: boolean }> = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://loopback');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      json: parseJson(body, headers['content-type']),
    };
    requests.push(recorded);
    const line = `${recorded.method} ${recorded.path}`;

    const hang = hangs.find((h) => !h.released && h.match.test(line));
    if (hang) await new Promise<void>((resolve) => hang.waiting.push(resolve));

    const index = scripted.findIndex((answer) => !answer.match || answer.match.test(line));
    const reply = index >= 0 ? scripted.splice(index, 1)[0]! : await handle(recorded);
    if (res.destroyed) return;
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(text && typeof reply.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(answer, times = 1) {
      for (let i = 0; i < times; i++) scripted.push(answer);
    },
    hang(match = /.*/) {
      const entry = { match, waiting: [] as Array<() => void>, released: false };
      hangs.push(entry);
      return {
        release() {
          entry.released = true;
          for (const resolve of entry.waiting.splice(0)) resolve();
        },
      };
    },
    async close() {
      for (const entry of hangs) {
        entry.released = true;
        for (const resolve of entry.waiting.splice(0)) resolve();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(body: string, contentType: string | undefined): unknown {
  if (!body || !contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
