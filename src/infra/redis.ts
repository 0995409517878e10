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

/**
 * Resolve once the client is ready, or reject with a message that says how to get a Redis: at once when
 * the first attempt shows nobody is there (refused, unknown host, wrong password), else after `timeoutMs`
 * (a host that does not answer at all). ioredis would retry forever; a start or a command should not wait.
 */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisUnavailableError(url, `no answer in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      const reason = hopelessReason(err);
      if (reason === undefined) return; // ioredis retries; the timer decides
      cleanup();
      reject(new RedisUnavailableError(url, reason));
    };
    // Closed while waiting (e.g. its sibling connection failed first): stop waiting, keep nothing alive.
    const onEnd = () => {
      cleanup();
      reject(new RedisUnavailableError(url, 'connection closed'));
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      redis.off('end', onEnd);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
    redis.on('end', onEnd);
  });
}

/** Connection errors that another attempt a moment later will not fix, in words. */
export function hopelessReason(err: Error): string | undefined {
  const code = 'code' in err ? err.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  // A Redis error reply starts with its error code (the protocol's convention): WRONGPASS, NOAUTH.
  if (/^(WRONGPASS|NOAUTH)/.test(err.message)) return 'Redis refused the credentials in REDIS_URL';
  return undefined;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  constructor(url: string, reason: string) {
    super(
      `Cannot reach Redis at ${redactUrl(url)} (${reason}).\n` +
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
