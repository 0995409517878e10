import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileAdapter } from '../../src/adapters/file/index.js';
import { ConfigError } from '../../src/config.js';
import { RetryableDeliveryError } from '../../src/errors.js';
import { inboundCall } from '../fixtures/calls.js';
import { deliveryContext, redisScope, rejection, silentLogger } from './support.js';

const run = promisify(execFile);

describe('file adapter', () => {
  let folder: string;
  let path: string;
  const lines = async () => (await readFile(path, 'utf8')).split('\n').filter(Boolean);

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rc-enrich-file-'));
    path = join(folder, 'calls.ndjson');
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('appends one JSON line per call: the idempotency key and the call.enriched event', async () => {
    const adapter = await createFileAdapter({ env: { CRM_FILE_PATH: path }, logger: silentLogger });
    const [a, b] = [inboundCall(), inboundCall()];
    const ctx = deliveryContext();
    await adapter.deliver(a, ctx);
    await adapter.deliver(b, deliveryContext());
    const written = (await lines()).map((line) => JSON.parse(line));
    expect(written).toHaveLength(2);
    expect(written[0]).toEqual({
      idempotencyKey: ctx.idempotencyKey,
      type: 'call.enriched',
      timestamp: a.endedAt,
      data: expect.objectContaining({ telephonySessionId: a.telephonySessionId, records: a.records }),
    });
    await adapter.close?.();
  });

  it('creates the file readable and writable by the service user only (0600): it holds call data', async () => {
    const adapter = await createFileAdapter({ env: { CRM_FILE_PATH: path }, logger: silentLogger });
    await adapter.deliver(inboundCall(), deliveryContext());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await adapter.close?.();
  });

  it('the same key again › not written again (in this process without Redis)', async () => {
    const adapter = await createFileAdapter({ env: { CRM_FILE_PATH: path }, logger: silentLogger });
    const call = inboundCall();
    const ctx = deliveryContext();
    await adapter.deliver(call, ctx);
    await adapter.deliver(call, { ...ctx, attempt: 2 });
    expect(await lines()).toHaveLength(1);
  });

  it('the same key from another process › not written again when they share Redis', async () => {
    const scope = await redisScope();
    try {
      const options = {
        env: { CRM_FILE_PATH: path },
        logger: silentLogger,
        redis: scope.redis,
        keyPrefix: scope.keyPrefix,
      };
      const call = inboundCall();
      const ctx = deliveryContext();
      await (await createFileAdapter(options)).deliver(call, ctx);
      await (await createFileAdapter(options)).deliver(call, { ...ctx, attempt: 2 });
      expect(await lines()).toHaveLength(1);
      const [key] = await scope.redis.keys(`${scope.keyPrefix}:adapter:file:record:*`);
      expect(key).toBe(`${scope.keyPrefix}:adapter:file:record:${ctx.idempotencyKey}`);
      expect(await scope.redis.ttl(key!)).toBeGreaterThan(80 * 24 * 3600);
    } finally {
      await scope.cleanup();
    }
  });

  it('several processes appending large lines at once › every line whole, none lost', async () => {
    const processes = 4;
    const perProcess = 40;
    // 16 KiB per line: well above PIPE_BUF, which only matters for pipes, not regular files.
    await Promise.all(
      Array.from({ length: processes }, (_, p) =>
        run(process.execPath, [
          '--import',
          'tsx',
          'test/fixtures/append-calls.ts',
          path,
          String(perProcess),
          '16384',
          `p${p}`,
        ]),
      ),
    );
    const written = await lines();
    expect(written).toHaveLength(processes * perProcess);
    const keys = written.map((line) => (JSON.parse(line) as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys).size).toBe(processes * perProcess);
  }, 60_000);

  it('the folder cannot be written › retry later, naming the file', async () => {
    const adapter = await createFileAdapter({ env: { CRM_FILE_PATH: path }, logger: silentLogger });
    await rm(folder, { recursive: true, force: true });
    const err = await rejection(adapter.deliver(inboundCall(), deliveryContext()));
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err.message).toContain(path);
    expect(err.message).toContain('ENOENT');
  });

  it('a failed write is not remembered › the retry writes the line', async () => {
    const adapter = await createFileAdapter({ env: { CRM_FILE_PATH: path }, logger: silentLogger });
    const call = inboundCall();
    const ctx = deliveryContext();
    await rm(folder, { recursive: true, force: true });
    await rejection(adapter.deliver(call, ctx));
    await mkdir(folder);
    await adapter.deliver(call, { ...ctx, attempt: 2 });
    expect(await lines()).toHaveLength(1);
  });

  describe('settings', () => {
    it('a folder that does not exist › a ConfigError naming CRM_FILE_PATH at start', async () => {
      const err = await rejection(
        createFileAdapter({
          env: { CRM_FILE_PATH: join(folder, 'missing', 'calls.ndjson') },
          logger: silentLogger,
        }),
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(/CRM_FILE_PATH: the folder .*missing does not exist/);
    });

    it('a path that is a folder › a ConfigError', async () => {
      const err = await rejection(
        createFileAdapter({ env: { CRM_FILE_PATH: folder }, logger: silentLogger }),
      );
      expect(err.message).toMatch(/CRM_FILE_PATH: .* is not a file/);
    });

    it('CRM_FILE_FSYNC › true or false only', async () => {
      const err = await rejection(
        createFileAdapter({ env: { CRM_FILE_PATH: path, CRM_FILE_FSYNC: 'yes' }, logger: silentLogger }),
      );
      expect(err.message).toMatch(/CRM_FILE_FSYNC must be true or false/);
      const synced = await createFileAdapter({
        env: { CRM_FILE_PATH: path, CRM_FILE_FSYNC: 'true' },
        logger: silentLogger,
      });
      await synced.deliver(inboundCall(), deliveryContext());
      expect(await lines()).toHaveLength(1);
    });
  });
});
