import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cliLogger, loadCliConfig } from '../src/cli/context.js';
import { ConfigError, parseConfig } from '../src/config.js';
import { simulatorEnvironment } from '../src/demo/environment.js';
import { readEnvironment } from '../src/environment.js';
import { freePort } from '../src/infra/free-port.js';
import { cleanupPrefix, eventually, redisUrl } from './helpers/config.js';
import { entryArgs, startEntry } from './helpers/entry-process.js';

/** A working directory holding `.env` with these lines. */
function dirWithDotenv(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'rc-enrich-dotenv-'));
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
  return dir;
}

describe('environment › .env', () => {
  it('adds the file under the environment: a variable set in the environment wins', () => {
    const dir = dirWithDotenv([
      '# a comment',
      'PORT=3001',
      'LOG_LEVEL=debug',
      'QUOTED="a b"',
      'CMD=$(whoami)',
    ]);
    const environment = readEnvironment({ PORT: '4000', PATH: '/bin' }, join(dir, '.env'));
    expect(environment.values).toMatchObject({
      PORT: '4000',
      LOG_LEVEL: 'debug',
      QUOTED: 'a b',
      CMD: '$(whoami)',
      PATH: '/bin',
    });
    expect(environment.fromFile.sort()).toEqual(['CMD', 'LOG_LEVEL', 'QUOTED']);
    expect(environment.file).toBe(join(dir, '.env'));
  });

  it('is the environment alone without a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-enrich-nodotenv-'));
    expect(readEnvironment({ PORT: '1' }, join(dir, '.env'))).toEqual({
      values: { PORT: '1' },
      fromFile: [],
    });
  });

  it('says which file it could not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-enrich-dotenv-dir-'));
    mkdirSync(join(dir, '.env'));
    expect(() => readEnvironment({}, join(dir, '.env'))).toThrow(ConfigError);
    expect(() => readEnvironment({}, join(dir, '.env'))).toThrow(`Cannot read ${join(dir, '.env')}`);
  });
});

describe('config › empty values', () => {
  it('treats PORT= and other empty lines of a copied .env.example as not set', () => {
    const config = parseConfig({
      PORT: '',
      HOST: ' ',
      REDIS_URL: '',
      ROLE: '',
      CRM_ADAPTER: '',
      PUBLIC_URL: '',
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.role).toBe('all');
    expect(config.crm.adapters).toEqual(['stdout']);
    expect(config.webhook.publicUrl).toBeUndefined();
  });

  it('still refuses a value that is there but wrong, naming it', () => {
    expect(() => parseConfig({ PORT: 'http' })).toThrow(/PORT/);
  });
});

describe('cli › settings from .env', () => {
  it("takes every setting but the service's LOG_LEVEL: commands log only warnings unless asked", () => {
    const dir = dirWithDotenv(['LOG_LEVEL=info', 'QUEUE_PREFIX=from-dotenv']);
    vi.spyOn(process, 'cwd').mockReturnValue(dir);
    vi.stubEnv('LOG_LEVEL', undefined);
    vi.stubEnv('QUEUE_PREFIX', undefined);
    try {
      const config = loadCliConfig();
      expect(config.queuePrefix).toBe('from-dotenv');
      expect(cliLogger(config).level).toBe('warn');
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  });
});

describe('demo and simulator › settings', () => {
  it('set aside a CRM_ADAPTER from .env (production settings), say so, and write records to a file they show', () => {
    const dir = dirWithDotenv(['CRM_ADAPTER=hubspot', 'REDIS_URL=redis://10.0.0.1:6379']);
    const { env, notes } = simulatorEnvironment(
      readEnvironment({}, join(dir, '.env')),
      '/tmp/records.ndjson',
    );
    expect(env.CRM_ADAPTER).toBe('file');
    expect(env.CRM_FILE_PATH).toBe('/tmp/records.ndjson');
    expect(env.REDIS_URL).toBe('redis://10.0.0.1:6379');
    expect(env.LOG_LEVEL).toBe('warn');
    expect(notes.join('\n')).toMatch(/CRM_ADAPTER from .*\.env is not used with the simulator/);
  });

  it('keep a CRM_ADAPTER the environment sets', () => {
    const dir = dirWithDotenv(['CRM_ADAPTER=hubspot']);
    const { env, notes } = simulatorEnvironment(
      readEnvironment({ CRM_ADAPTER: 'webhook' }, join(dir, '.env')),
      '/tmp/records.ndjson',
    );
    expect(env.CRM_ADAPTER).toBe('webhook');
    expect(env.CRM_FILE_PATH).toBeUndefined();
    expect(notes).toEqual([]);
  });
});

describe('npm start and the CLI › read .env from the working directory', () => {
  const prefix = `test-dotenv-${Date.now()}`;
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

  it('npm start: a filled-in .env is enough to start, and the environment overrides it', async () => {
    const [filePort, envPort] = [await freePort(), await freePort()];
    const dir = dirWithDotenv([
      'ROLE=api',
      `PORT=${filePort}`,
      'HOST=127.0.0.1',
      `REDIS_URL=${redisUrl}`,
      `QUEUE_PREFIX=${prefix}`,
      'WEBHOOK_VERIFICATION_TOKEN=from-dotenv',
      'LOG_LEVEL=silent',
      'RINGCENTRAL_CLIENT_ID=',
    ]);
    const service = startEntry('src/main.ts', { cwd: dir, env: { PORT: String(envPort) } });
    try {
      const live = await eventually(
        () =>
          fetch(`http://127.0.0.1:${envPort}/health/live`).then(
            (response) => response.ok,
            () => false,
          ),
        15_000,
        100,
      );
      expect(live).toBe(true);
      const unused = await fetch(`http://127.0.0.1:${filePort}/health/live`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(unused).toBe('refused');
    } finally {
      await service.stop();
      await cleanupPrefix(prefix);
    }
  });

  it('the CLI: `rc-enrich queues` reads REDIS_URL and QUEUE_PREFIX from .env', async () => {
    const dir = dirWithDotenv([`REDIS_URL=${redisUrl}`, `QUEUE_PREFIX=${prefix}-cli`]);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        entryArgs('src/cli/main.ts', ['queues']),
        { cwd: dir, env: baseEnv, timeout: 20_000 },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    // Nothing ran under that prefix: the answer names the prefix it took from .env.
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Nothing under QUEUE_PREFIX "${prefix}-cli"`);
    await cleanupPrefix(`${prefix}-cli`);
  });
});
