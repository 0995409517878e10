import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback S3-compatible object store, path-style (`/bucket/key`), for the recordings archive: the
 * object calls the AWS SDK makes (PUT, GET, HEAD), S3's XML errors, and a SigV4 credential check, so a
 * request without our access key is refused as S3 would.
 */
export interface FakeS3 {
  url: string;
  objects: Map<string, { body: Buffer; contentType: string }>;
  requests: Array<{ method: string; path: string }>;
  /** The next `count` requests get 503 SlowDown. */
  failNext(count?: number): void;
  close(): Promise<void>;
}

export async function startFakeS3(options: { bucket: string; accessKeyId: string }): Promise<FakeS3> {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const requests: FakeS3['requests'] = [];
  let failures = 0;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname);
    const method = req.method ?? 'GET';
    requests.push({ method, path });
    const error = (status: number, code: string) => {
      res.writeHead(status, { 'Content-Type': 'application/xml' });
      res.end(
        method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    if (failures > 0) {
      failures--;
      return error(503, 'SlowDown');
    }
    const credential = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (credential !== options.accessKeyId) return error(403, 'AccessDenied');
    const [, bucket, ...rest] = path.split('/');
    const key = rest.join('/');
    if (bucket !== options.bucket) return error(404, 'NoSuchBucket');
    if (method === 'PUT') {
      objects.set(key, { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream' });
      res.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` });
      return res.end();
    }
    const object = objects.get(key);
    if (!object) return error(404, 'NoSuchKey');
    if (method === 'HEAD' || method === 'GET') {
      res.writeHead(200, {
        'Content-Type': object.contentType,
        'Content-Length': String(object.body.length),
        ETag: `"${createHash('md5').update(object.body).digest('hex')}"`,
      });
      return res.end(method === 'GET' ? object.body : undefined);
    }
    return error(405, 'MethodNotAllowed');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext(count = 1) {
      failures += count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
