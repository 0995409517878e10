import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config.js';
import fileFactory from './file/index.js';
import hubspotFactory from './hubspot/index.js';
import salesforceFactory from './salesforce/index.js';
import stdoutFactory from './stdout/index.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from './types.js';
import webhookFactory from './webhook/index.js';

const builtIns = {
  stdout: stdoutFactory,
  file: fileFactory,
  webhook: webhookFactory,
  hubspot: hubspotFactory,
  salesforce: salesforceFactory,
} satisfies Record<string, AdapterFactory>;

export type BuiltInAdapterName = keyof typeof builtIns;
export const builtInAdapterNames = Object.keys(builtIns) as BuiltInAdapterName[];

/** An adapter named in CRM_ADAPTER could not be loaded; the message names it and says why. */
export class AdapterLoadError extends ConfigError {
  override name = 'AdapterLoadError';
}

export type LoadOptions = AdapterOptions & {
  /** Where relative module paths are resolved from (and packages, after rc-enrich's own node_modules). */
  cwd?: string;
};

/**
 * One adapter per name in CRM_ADAPTER, in order. A name is a built-in adapter, a module path (relative to
 * `cwd` or absolute; .js, .mjs or .cjs) or an installed package name. Modules default-export a factory
 * `(options) => adapter` (sync or async). Fails on the first name that does not load, after closing the
 * adapters already made.
 */
export async function loadAdapters(names: string[], options: LoadOptions): Promise<CrmAdapter[]> {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new AdapterLoadError(`CRM_ADAPTER names "${name}" twice`);
    seen.add(name);
  }
  const adapters: CrmAdapter[] = [];
  try {
    for (const name of names) adapters.push(await loadAdapter(name, options));
  } catch (err) {
    await Promise.allSettled(adapters.map(async (adapter) => adapter.close?.()));
    throw err;
  }
  return adapters;
}

export async function loadAdapter(name: string, options: LoadOptions): Promise<CrmAdapter> {
  const { cwd = process.cwd(), ...adapterOptions } = options;
  const factoryOptions = { ...adapterOptions, logger: options.logger.child({ adapter: name }) };
  if (Object.hasOwn(builtIns, name)) return make(name, builtIns[name as BuiltInAdapterName], factoryOptions);
  const factory = await importFactory(name, cwd);
  return make(name, factory, factoryOptions);
}

async function make(name: string, factory: AdapterFactory, options: AdapterOptions): Promise<CrmAdapter> {
  let adapter: unknown;
  try {
    adapter = await factory(options);
  } catch (err) {
    if (err instanceof ConfigError) throw err; // already names the setting
    const reason = err instanceof Error ? err.message : String(err);
    throw new AdapterLoadError(`CRM adapter "${name}": the factory threw: ${reason}`, { cause: err });
  }
  const shape = adapter as Partial<CrmAdapter> | null;
  const problem =
    typeof adapter !== 'object' || shape === null
      ? `returned ${shape === null ? 'null' : typeof adapter} instead of an adapter object`
      : typeof shape.name !== 'string' || shape.name.trim() === ''
        ? 'returned an adapter without a `name` string'
        : typeof shape.deliver !== 'function'
          ? 'returned an adapter without a `deliver(call, ctx)` function'
          : shape.close !== undefined && typeof shape.close !== 'function'
            ? 'returned an adapter whose `close` is not a function'
            : undefined;
  if (problem) throw new AdapterLoadError(`CRM adapter "${name}": the factory ${problem}`);
  return adapter as CrmAdapter;
}

const isPath = (name: string) =>
  name.startsWith('.') || isAbsolute(name) || name.startsWith('file:') || /\.[cm]?js$/.test(name);

async function importFactory(name: string, cwd: string): Promise<AdapterFactory> {
  const url = isPath(name) ? await fileUrl(name, cwd) : await packageUrl(name, cwd);
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AdapterLoadError(`CRM adapter module "${name}" failed to load: ${reason}`, { cause: err });
  }
  // A CommonJS module's `exports.default` arrives as default.default.
  let factory = module.default;
  if (factory && typeof factory === 'object' && 'default' in factory)
    factory = (factory as { default: unknown }).default;
  if (factory === undefined) {
    throw new AdapterLoadError(
      `CRM adapter module "${name}" has no default export; it must \`export default\` a factory (options) => adapter`,
    );
  }
  if (typeof factory !== 'function') {
    throw new AdapterLoadError(
      `CRM adapter module "${name}": the default export is ${typeof factory}, not a factory function (options) => adapter`,
    );
  }
  return factory as AdapterFactory;
}

async function fileUrl(name: string, cwd: string): Promise<string> {
  const path = name.startsWith('file:') ? new URL(name).pathname : resolve(cwd, name);
  if (!['.js', '.mjs', '.cjs'].includes(extname(path))) {
    throw new AdapterLoadError(
      `CRM adapter module "${name}" must be a JavaScript file (.js, .mjs or .cjs); compile TypeScript first`,
    );
  }
  try {
    await access(path);
  } catch {
    throw new AdapterLoadError(
      `CRM adapter module "${name}" not found: ${path} does not exist (relative paths are resolved from ${cwd})`,
    );
  }
  return pathToFileURL(path).href;
}

/** A package: first as rc-enrich itself would import it, then from `cwd`'s node_modules. */
async function packageUrl(name: string, cwd: string): Promise<string> {
  try {
    return import.meta.resolve(name);
  } catch {
    try {
      return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(name)).href;
    } catch {
      throw new AdapterLoadError(
        `CRM adapter "${name}" is neither a built-in adapter (${builtInAdapterNames.join(', ')}) nor an installed ` +
          'package, nor a module path (start paths with ./ or /)',
      );
    }
  }
}
