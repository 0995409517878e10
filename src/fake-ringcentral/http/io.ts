import type { IncomingMessage, ServerResponse } from 'node:http';
import { rcError, unparsableJson, type RcError } from './errors.js';

/** What a route handler returns. `raw` bodies are sent as-is with `contentType`. */
export interface RouteResult {
  status?: number;
  body?: unknown;
  raw?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Requests RingCentral accepts are small; anything larger is a test bug, not a load test. */
const maxBodyBytes = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw rcError(413, 'CMN-104', 'Cannot parse request');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parse a JSON body; an empty body is `undefined`. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw unparsableJson();
  }
}

export function send(res: ServerResponse, result: RouteResult, extraHeaders: Record<string, string>): void {
  const status = result.status ?? 200;
  const headers: Record<string, string> = { ...extraHeaders, ...result.headers };
  let payload: Buffer | undefined;
  if (result.raw) {
    payload = result.raw;
    headers['Content-Type'] = result.contentType ?? 'application/octet-stream';
  } else if (result.body !== undefined && status !== 204) {
    payload = Buffer.from(JSON.stringify(result.body));
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(payload?.length ?? 0);
  res.writeHead(status, headers);
  res.end(payload);
}

export function errorResult(error: RcError): RouteResult {
  return { status: error.status, body: error.body, headers: error.headers };
}
