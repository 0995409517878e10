import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connections are made for one of two jobs, with the settings BullMQ's production guide asks for.
 * - worker: blocking commands must wait out a Redis restart, so no per-command retry limit.
 * - producer: the request path must fail fast when Redis is down instead of queueing commands in memory.
 */
export function createRedis(url: string, purpose: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 };
  return new Redis(url, { lazyConnect: false, ...options, ...extra });
}

/** Resolve once the client is ready, or reject with a message that says how to get a Redis. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(url));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  constructor(url: string) {
    super(
      `Cannot reach Redis at ${redactUrl(url)}.\n` +
        'Start one and try again, for example:\n' +
        '  docker run -d -p 6379:6379 redis:7-alpine\n' +
        '  or: sudo apt-get install -y redis-server && redis-server --daemonize yes\n' +
        'or point REDIS_URL at a running Redis.',
    );
  }
}

/** A Redis URL with any password hidden, safe for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
