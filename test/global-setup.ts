import { Socket } from 'node:net';

/**
 * Before any test file runs: is there a Redis at REDIS_URL? Without one every test would wait for its
 * connection and fail on its own; one message and a stop is kinder. A bare PING over a socket, so that
 * this check does not depend on the code under test.
 */
export default async function redisAnswers(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const reason = await ping(url, 2_000);
  if (reason === undefined) return;
  const error = new Error(
    `The tests need Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} (${reason}).\n` +
      'Start one (docker run -d -p 6379:6379 redis:7-alpine, or redis-server) or set REDIS_URL, then run npm test again.',
  );
  // The message says it all; a stack trace into this file would only bury it.
  error.stack = error.message;
  throw error;
}

/** Undefined when Redis answers PING (or asks for a password: it is there), else why not. */
export async function ping(url: string, timeoutMs: number): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.on('data', (data) => done(/PONG|NOAUTH/.test(String(data)) ? undefined : 'not a Redis'));
    socket.connect(Number(port || 6379), hostname.replace(/^\[|\]$/g, ''), () => socket.write('PING\r\n'));
  });
}
