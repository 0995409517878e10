import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  telephonySessionId: string;
  source: string;
  /** Set on calls read from the Call Log after their notifications were lost. */
  recoveredBy?: string;
  webhookId: string;
  at: number;
}

/**
 * The benchmark's CRM: a loopback endpoint that answers 200 at once and remembers when each call
 * arrived. A second arrival for the same call counts as a duplicate.
 */
export async function startCrmReceiver() {
  const first = new Map<string, Arrival>();
  let duplicates = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        data: { telephonySessionId: string; source: string; recoveredBy?: string };
      };
      const { telephonySessionId, source, recoveredBy } = body.data;
      if (first.has(telephonySessionId)) duplicates++;
      else
        first.set(telephonySessionId, {
          telephonySessionId,
          source,
          ...(recoveredBy ? { recoveredBy } : {}),
          webhookId: String(req.headers['webhook-id']),
          at,
        });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/calls`,
    arrivals: first,
    duplicates: () => duplicates,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
