import closeWithGrace from 'close-with-grace';
import { ConfigError, assertRunnable, parseConfig, type Config } from './config.js';
import { readEnvironment } from './environment.js';
import { ListenError, explainListenError } from './http/listen-error.js';
import { createLogger } from './infra/logger.js';
import { RedisUnavailableError } from './infra/redis.js';
import { startService } from './runtime.js';

/** `npm start`: the service in the foreground, configured by the environment (and `.env`, if present). */
export async function main(env?: Record<string, string | undefined>): Promise<void> {
  let config;
  try {
    config = parseConfig(env ?? readEnvironment().values);
    assertRunnable(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`rc-enrich: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, logStream(config));
  let service;
  try {
    service = await startService(config, logger);
  } catch (err) {
    if (err instanceof RedisUnavailableError || err instanceof ConfigError) {
      console.error(`rc-enrich: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const running = service;
  closeWithGrace({ delay: config.shutdownGraceMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await running.close();
  });
  let listening = { port: config.port, host: config.host, setting: 'PORT' };
  try {
    await running.app.listen({ port: config.port, host: config.host });
    if (running.adminApp && config.adminPort !== undefined) {
      listening = { port: config.adminPort, host: config.host, setting: 'ADMIN_PORT' };
      await running.adminApp.listen({ port: config.adminPort, host: config.host });
    }
  } catch (err) {
    const explained = explainListenError(err, listening, listening.setting);
    if (!(explained instanceof ListenError)) throw err;
    console.error(`rc-enrich: ${explained.message}`);
    await running.close();
    process.exit(1);
  }
  logger.info({ role: config.role, adapters: config.crm.adapters }, 'rc-enrich is running');
}

/** With the `stdout` adapter, standard output carries the call records, so the logs go to standard error. */
export function logStream(config: Config): NodeJS.WriteStream {
  return config.crm.adapters.includes('stdout') ? process.stderr : process.stdout;
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) await main();
