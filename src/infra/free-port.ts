import { createServer } from 'node:net';

/** A free loopback port, for a service that must know its own URL (PUBLIC_URL) before it listens. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Throws the listen error (EADDRINUSE, EACCES…) now if `port` cannot be taken, so a command fails before
 * it starts any work (whose first logs would otherwise come before the one line that says why).
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
