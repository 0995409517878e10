import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseConfig, type Config } from '../../src/config.js';
import { deletePrefixKeys } from '../../src/infra/prefix-keys.js';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A config for one test: its own key prefix, fast timings, quiet logs. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return parseConfig(testEnv(env));
}

/** testConfig()'s settings as environment variables (for the playground, or a child process). */
export function testEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'silent',
    WEBHOOK_VERIFICATION_TOKEN: 'test-verification-token',
    RINGCENTRAL_CLIENT_ID: 'fake-client-id',
    RINGCENTRAL_CLIENT_SECRET: 'fake-client-secret',
    RINGCENTRAL_JWT: 'fake-jwt',
    ENRICH_VISIBILITY_DELAY_MS: '100',
    ENRICH_VISIBILITY_MAX_MS: '400',
    ENRICH_ACTIVE_WINDOW_MS: '3000',
    ENRICH_POLL_INTERVAL_MS: '200',
    ENRICH_CALL_LOG_DELAY_MS: '300',
    ENRICH_CALL_LOG_WINDOW_MS: '8000',
    ENRICH_CALL_LOG_INTERVAL_MS: '400',
    DELIVERY_BACKOFF_MS: '100',
    DELIVERY_MAX_BACKOFF_MS: '500',
    // Off unless a test is about it: a scan at start would add Heavy requests other tests count.
    RECONCILE_INTERVAL_MS: '0',
    ...env,
  };
}

/** Delete every key a test wrote under its prefix. */
export async function cleanupPrefix(queuePrefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await deletePrefixKeys(redis, queuePrefix);
  } finally {
    await redis.quit();
  }
}

/** Poll `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
