import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.js';

export interface Environment {
  /** The variables to configure from: the process environment over the `.env` file's. */
  values: Record<string, string | undefined>;
  /** The `.env` file that was read, if there was one. */
  file?: string;
  /** Names whose value came from the file (the environment did not set them). */
  fromFile: string[];
}

/**
 * The environment the service and the CLI are configured from: the process environment, plus a
 * `.env` file in the working directory when there is one. A variable set in the environment always
 * wins over the file, as with Node's own `--env-file`, so a deployment can override any line of it.
 * The file is parsed (Node's `util.parseEnv`), never executed.
 */
export function readEnvironment(
  env: Record<string, string | undefined> = process.env,
  path = resolve('.env'),
): Environment {
  if (!existsSync(path)) return { values: { ...env }, fromFile: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  const fileValues = parseEnv(text);
  const fromFile = Object.keys(fileValues).filter((name) => env[name] === undefined);
  return { values: { ...fileValues, ...env }, file: path, fromFile };
}
