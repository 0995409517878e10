import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The loopback HTTP server: listen, know its URL, close every connection on close. */
export function createHttpServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  let url: string | undefined;
  const getUrl = (): string => {
    if (!url) throw new Error('fake RingCentral: call listen() first');
    return url;
  };

  return {
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      // A wildcard bind is reached through loopback; IPv6 literals need brackets in URLs.
      const hostname =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      url = `http://${hostname}:${address.port}`;
      return url;
    },
    url: getUrl,
    /** The same server under another host name (for media URLs). */
    urlFor(otherHostname: string | undefined): string {
      const base = new URL(getUrl());
      if (otherHostname) base.hostname = otherHostname;
      return base.origin;
    },
    async close(): Promise<void> {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
