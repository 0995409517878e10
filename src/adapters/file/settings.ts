import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config.js';
import { parseAdapterSettings } from '../settings.js';

const schema = z.object({
  CRM_FILE_PATH: z.string().default('./calls.ndjson'),
  CRM_FILE_FSYNC: z
    .enum(['true', 'false'], { error: 'CRM_FILE_FSYNC must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
});

export interface FileSettings {
  /** Absolute path of the NDJSON file (relative paths are resolved from the working directory). */
  path: string;
  /** fsync each line before `deliver` resolves: survives a power cut, costs a disk flush per call. */
  fsync: boolean;
}

/** Settings, and a check that the file's folder exists, so a typo fails at start rather than per call. */
export async function parseFileSettings(
  env: Readonly<Record<string, string | undefined>>,
): Promise<FileSettings> {
  const e = parseAdapterSettings('file', schema, env);
  const path = resolve(e.CRM_FILE_PATH);
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new ConfigError(
      `CRM adapter "file" is not configured:\n  CRM_FILE_PATH: the folder ${dirname(path)} does not exist`,
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isFIFO()) {
    throw new ConfigError(`CRM adapter "file" is not configured:\n  CRM_FILE_PATH: ${path} is not a file`);
  }
  return { path, fsync: e.CRM_FILE_FSYNC };
}
