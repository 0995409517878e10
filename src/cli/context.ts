import { ConfigError, parseConfig, type Config } from '../config.js';
import { readEnvironment } from '../environment.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createMetrics } from '../infra/metrics.js';
import { createRingCentralClient } from '../ringcentral/client.js';
import { RedisUnavailableError } from '../infra/redis.js';
import { createServices, type Services } from '../services.js';
import { LoginError, PermanentError, ReauthenticateError, RetryableError } from '../errors.js';

/** Thrown by a command to exit non-zero with a message and no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The CLI's settings: the environment, over `.env` in the working directory when there is one. Logs
 * are at warn level unless LOG_LEVEL says otherwise (stdout is for the answer).
 */
export function loadCliConfig(env?: Record<string, string | undefined>): Config {
  const { values, fromFile } = env ? { values: env, fromFile: [] as string[] } : readEnvironment();
  // `.env`'s LOG_LEVEL is the service's (`info` in .env.example); a command stays quiet unless asked.
  if (fromFile.includes('LOG_LEVEL')) delete values.LOG_LEVEL;
  return parseConfig({ ...values, LOG_LEVEL: values.LOG_LEVEL || 'warn' });
}

/** CLI logs go to stderr. */
export function cliLogger(config: Config): Logger {
  return createLogger(config.logLevel, process.stderr);
}

/** Run `fn` with Redis open (and nothing else) and always closed again. */
export async function withServices<T>(config: Config, fn: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(config, cliLogger(config));
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/**
 * Every command's action goes through here: known failures print one clear line and exit 1;
 * anything unexpected prints its stack and exits 1. A failing command never exits 0.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const known =
        err instanceof CliError ||
        err instanceof ConfigError ||
        err instanceof RedisUnavailableError ||
        err instanceof LoginError ||
        err instanceof ReauthenticateError ||
        err instanceof PermanentError ||
        err instanceof RetryableError;
      console.error(
        `rc-enrich: ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}`,
      );
      process.exitCode = 1;
    }
  };
}

/** A RingCentral client for one command, on the shared token in Redis. */
export function cliRingCentral(config: Config, services: Services, logger: Logger) {
  return createRingCentralClient({
    config: config.ringcentral,
    redis: services.workerRedis,
    keys: services.keys,
    logger,
    // A command's counters are never scraped; the client counts into a registry of its own.
    metrics: createMetrics({ defaultMetrics: false }),
  });
}
