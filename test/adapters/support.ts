import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { DeliveryContext } from '../../src/adapters/types.js';
import { PermanentError } from '../../src/errors.js';
import { loggerOptions } from '../../src/infra/logger.js';

/** A logger with the service's redaction whose output the test can read back. */
export function captureLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: pino(loggerOptions('debug'), stream), output: () => chunks.join('') };
}

export const silentLogger = pino({ level: 'silent' });

export function deliveryContext(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return {
    idempotencyKey: `call_${randomUUID().replace(/-/g, '')}`,
    attempt: 1,
    logger: silentLogger,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The contract's notion of "give up": our class, or any error marked `permanent: true` (user modules). */
export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentError || (err as { permanent?: unknown } | undefined)?.permanent === true;
}

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}

/** A Redis connection and a key prefix of its own; `cleanup()` deletes every key under it. */
export async function redisScope(): Promise<{
  redis: Redis;
  keyPrefix: string;
  cleanup: () => Promise<void>;
}> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const keyPrefix = `test-${randomUUID()}`;
  return {
    redis,
    keyPrefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
