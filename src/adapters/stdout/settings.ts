import { z } from 'zod';
import { parseAdapterSettings } from '../settings.js';

/**
 * The stdout adapter has no settings of its own; the file is here so every adapter folder has the same
 * files (index.ts: the factory, settings.ts: what it reads from the environment).
 */
const schema = z.object({});

export type StdoutSettings = z.output<typeof schema>;

export function parseStdoutSettings(env: Readonly<Record<string, string | undefined>>): StdoutSettings {
  return parseAdapterSettings('stdout', schema, env);
}
