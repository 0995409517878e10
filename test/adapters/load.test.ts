import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterLoadError, builtInAdapterNames, loadAdapters } from '../../src/adapters/load.js';
import { ConfigError } from '../../src/config.js';
import { RetryableDeliveryError } from '../../src/errors.js';
import { startFakeHubSpot } from '../fakes/hubspot.js';
import { startWebhookReceiver } from '../fakes/webhook-receiver.js';
import { inboundCall } from '../fixtures/calls.js';
import { deliveryContext, isPermanent, rejection, silentLogger } from './support.js';

const fixtures = resolve('test/fixtures/adapters');
const base = { env: {}, logger: silentLogger, cwd: resolve('.') };
const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('loadAdapters › built-in adapters', () => {
  it('knows stdout, file, webhook, hubspot and salesforce', () => {
    expect(builtInAdapterNames).toEqual(['stdout', 'file', 'webhook', 'hubspot', 'salesforce']);
  });

  it('makes one adapter per name, in order', async () => {
    const adapters = await loadAdapters(['stdout', 'webhook'], {
      ...base,
      env: { CRM_WEBHOOK_URL: 'https://hooks.example/calls', CRM_WEBHOOK_SECRET: secret },
    });
    expect(adapters.map((adapter) => adapter.name)).toEqual(['stdout', 'webhook']);
  });

  it('a built-in adapter without its settings › the ConfigError naming the variable', async () => {
    const err = await rejection(loadAdapters(['hubspot'], base));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(
      /CRM adapter "hubspot" is not configured:\n {2}HUBSPOT_ACCESS_TOKEN is required/,
    );
  });

  it('the same name twice › refused', async () => {
    await expect(loadAdapters(['stdout', 'stdout'], base)).rejects.toThrow(
      'CRM_ADAPTER names "stdout" twice',
    );
  });
});

describe('loadAdapters › your own module', () => {
  afterEach(() => {
    delete (globalThis as { __rcEnrichClosed?: number }).__rcEnrichClosed;
  });

  it('a path relative to cwd › loaded and given the options', async () => {
    const fetchImpl: typeof fetch = async () => new Response(null, { status: 204 });
    const [adapter] = await loadAdapters(['./async-factory.mjs'], {
      ...base,
      cwd: fixtures,
      env: { ACME: '1' },
      keyPrefix: '{test}:rc',
      fetch: fetchImpl,
    });
    expect(adapter!.name).toBe('async-adapter');
    expect((adapter as unknown as { received: unknown }).received).toEqual({
      env: { ACME: '1' },
      keyPrefix: '{test}:rc',
      hasFetch: true,
    });
    await expect(adapter!.deliver(inboundCall(), deliveryContext())).resolves.toEqual({ crmId: 'async-1' });
  });

  it('an absolute path, a file: URL and a CommonJS module › loaded', async () => {
    const [a, b, c] = await loadAdapters(
      [
        join(fixtures, 'async-factory.mjs'),
        pathToFileURL(join(fixtures, 'closable.mjs')).href,
        './test/fixtures/adapters/cjs-adapter.cjs',
      ],
      base,
    );
    expect([a!.name, b!.name, c!.name]).toEqual(['async-adapter', 'closable', 'cjs-adapter']);
  });

  it('the examples/ adapter › loaded, and its factory names a missing variable', async () => {
    const err = await rejection(loadAdapters(['./examples/crm-adapter/acme-crm.mjs'], base));
    expect(err).toBeInstanceOf(AdapterLoadError);
    expect(err.message).toBe(
      'CRM adapter "./examples/crm-adapter/acme-crm.mjs": the factory threw: ACME_CRM_URL is required (the Acme CRM API base, e.g. https://acme.example)',
    );
    const [adapter] = await loadAdapters(['./examples/crm-adapter/acme-crm.mjs'], {
      ...base,
      env: { ACME_CRM_URL: 'https://acme.example', ACME_CRM_API_KEY: 'k' },
    });
    expect(adapter!.name).toBe('acme-crm');
  });

  it.each([
    [
      './missing.mjs',
      /CRM adapter module "\.\/missing\.mjs" not found: .*missing\.mjs does not exist \(relative paths are resolved from /,
    ],
    [
      './no-default.mjs',
      /CRM adapter module "\.\/no-default\.mjs" has no default export; it must `export default` a factory/,
    ],
    ['./not-a-function.mjs', /the default export is object, not a factory function/],
    [
      './no-deliver.mjs',
      /CRM adapter "\.\/no-deliver\.mjs": the factory returned an adapter without a `deliver\(call, ctx\)` function/,
    ],
    ['./no-name.mjs', /the factory returned an adapter without a `name` string/],
    ['./throws.mjs', /CRM adapter "\.\/throws\.mjs": the factory threw: ACME_TOKEN is required/],
    ['./typescript.ts', /must be a JavaScript file \(\.js, \.mjs or \.cjs\); compile TypeScript first/],
    [
      'acme-crm-adapter-not-installed',
      /CRM adapter "acme-crm-adapter-not-installed" is neither a built-in adapter \(stdout, file, webhook, hubspot, salesforce\) nor an installed package/,
    ],
  ])('%s › an AdapterLoadError naming the module and what is wrong', async (name, message) => {
    const err = await rejection(loadAdapters([name], { ...base, cwd: fixtures }));
    expect(err).toBeInstanceOf(AdapterLoadError);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
  });

  it('a module that does not parse › an AdapterLoadError with the syntax error', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rc-enrich-load-'));
    try {
      await writeFile(
        join(folder, 'broken.mjs'),
        'export default () => ({ name: "broken", deliver: async () => {} ;\n',
      );
      const err = await rejection(loadAdapters(['./broken.mjs'], { ...base, cwd: folder }));
      expect(err).toBeInstanceOf(AdapterLoadError);
      expect(err.message).toMatch(/CRM adapter module "\.\/broken\.mjs" failed to load: .+/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('an installed package name › resolved like an import (here: a package that is no adapter)', async () => {
    const err = await rejection(loadAdapters(['pino'], base));
    expect(err).toBeInstanceOf(AdapterLoadError);
    expect(err.message).toMatch(/CRM adapter "pino": the factory (threw|returned)/);
  });

  it('a later adapter fails › the ones already made are closed', async () => {
    await rejection(loadAdapters(['./closable.mjs', './throws.mjs'], { ...base, cwd: fixtures }));
    expect((globalThis as { __rcEnrichClosed?: number }).__rcEnrichClosed).toBe(1);
  });
});

describe('loadAdapters › two destinations, one down', () => {
  it('each adapter delivers on its own: the CRM that is up gets the call, the one that is down is retried', async () => {
    const token = 'pat-na1-two-destinations';
    const down = await startWebhookReceiver({ secret });
    const up = await startFakeHubSpot({ token });
    try {
      const [webhook, hubspot] = await loadAdapters(['webhook', 'hubspot'], {
        ...base,
        env: {
          CRM_WEBHOOK_URL: `${down.url}/hooks`,
          CRM_WEBHOOK_SECRET: secret,
          CRM_REQUEST_TIMEOUT_MS: '400',
          HUBSPOT_ACCESS_TOKEN: token,
          HUBSPOT_BASE_URL: up.url,
        },
      });
      // The webhook receiver hangs (a CRM that is down and does not even refuse connections).
      down.hang();
      const call = inboundCall();
      const ctx = deliveryContext();
      const startedAt = Date.now();
      const toWebhook = webhook!.deliver(call, ctx);
      const toHubSpot = hubspot!.deliver(call, ctx);

      // HubSpot is done long before the webhook gives up: one CRM being down holds back nothing else.
      const result = await toHubSpot;
      expect(Date.now() - startedAt).toBeLessThan(300);
      expect(result?.crmId).toEqual(expect.any(String));
      expect(up.calls.size).toBe(1);

      const err = await rejection(toWebhook);
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect(isPermanent(err)).toBe(false);
      expect(down.records.size).toBe(0);
    } finally {
      await down.close();
      await up.close();
    }
  });

  it('a 503 from one destination › only that delivery fails, retryably', async () => {
    const apiKey = 'acme-key';
    const a = await startWebhookReceiver({ secret });
    const b = await startWebhookReceiver({ dedupeHeader: 'idempotency-key', apiKey });
    try {
      const adapters = await loadAdapters(['webhook', './examples/crm-adapter/acme-crm.mjs'], {
        ...base,
        env: {
          CRM_WEBHOOK_URL: a.url,
          CRM_WEBHOOK_SECRET: secret,
          ACME_CRM_URL: b.url,
          ACME_CRM_API_KEY: apiKey,
        },
      });
      a.failNext({ status: 503 }, 10);
      const call = inboundCall();
      const ctx = deliveryContext();
      const [toA, toB] = await Promise.allSettled(adapters.map((adapter) => adapter.deliver(call, ctx)));
      expect(toA).toEqual({ status: 'rejected', reason: expect.any(RetryableDeliveryError) });
      expect(toB).toEqual({ status: 'fulfilled', value: { crmId: 'rec_1' } });
      expect(b.records.has(ctx.idempotencyKey)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
