import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * Adapters read their own settings from `options.env` (the service's environment) and validate them
 * here once, at start: a missing or malformed variable stops the start with a message that names it.
 */

/**
 * A credential. The adapter reads it with `reveal()`; everything else (JSON.stringify, util.inspect,
 * template strings, pino) sees `[redacted]`, so a settings object can be logged without leaking it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

export const secret = () => z.string().transform((value) => new Secret(value.trim()));

export const httpUrl = (name: string) =>
  z
    .string()
    .refine((value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `${name} must be an http(s) URL`)
    .transform((value) => value.replace(/\/+$/, ''));

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** An URL that credentials may be sent to: https, or plain http only on loopback (tests, a local proxy). */
export function isSecureUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}

export const secureUrl = (name: string) =>
  z
    .string()
    .refine(isSecureUrl, `${name} must be an https URL (plain http only to a loopback address)`)
    .transform((value) => value.replace(/\/+$/, ''));

/** Shared by every HTTP adapter: one request may take this long (the whole delivery has DELIVERY_TIMEOUT_MS). */
export const requestTimeoutSetting = {
  CRM_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
};

type Env = Readonly<Record<string, string | undefined>>;

/** An adapter's settings; errors start with `CRM adapter "<name>" is not configured`. */
export function parseAdapterSettings<S extends z.ZodType>(
  adapter: string,
  schema: S,
  env: Env,
  hints: Record<string, string> = {},
): z.output<S> {
  return parseEnvSettings(`CRM adapter "${adapter}" is not configured`, schema, env, hints);
}

/**
 * Parse `env` with `schema`; blank values count as unset. `hints` says, per variable, what to put there,
 * and is added to the "is required" message. Throws a `ConfigError` listing every problem.
 */
export function parseEnvSettings<S extends z.ZodType>(
  title: string,
  schema: S,
  env: Env,
  hints: Record<string, string> = {},
): z.output<S> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const hint = hints[key] ? ` (${hints[key]})` : '';
    if (key && present[key] === undefined && issue.code === 'invalid_type')
      return `${key} is required${hint}`;
    return !key || issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`;
  });
  throw new ConfigError(`${title}:\n  ${[...new Set(problems)].join('\n  ')}`);
}
