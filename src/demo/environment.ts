import type { Environment } from '../environment.js';

export interface SimulatorSettings {
  env: Record<string, string | undefined> & { LOG_LEVEL: string };
  /** Where the records go when no CRM_ADAPTER was chosen: read back and shown by the command. */
  recordsFile?: string;
  notes: string[];
}

/**
 * The settings the demo and the simulator run with. They read `.env` like every command (REDIS_URL, a
 * LOG_LEVEL), but a CRM_ADAPTER that came from `.env` is set aside: that file usually describes
 * production, and simulated calls must not land in a real CRM. Set CRM_ADAPTER in the environment to
 * try another adapter against the simulator. Without one, records are appended to `recordsFile` (the
 * `file` adapter), which the command shows in its own words instead of raw JSON on the terminal.
 */
export function simulatorEnvironment(environment: Environment, recordsFile: string): SimulatorSettings {
  const env: SimulatorSettings['env'] = {
    ...environment.values,
    LOG_LEVEL: environment.values.LOG_LEVEL || 'warn',
  };
  const notes: string[] = [];
  if (environment.fromFile.includes('CRM_ADAPTER')) {
    delete env.CRM_ADAPTER;
    notes.push(
      `CRM_ADAPTER from ${environment.file ?? '.env'} is not used with the simulator (its calls are made up); ` +
        'set CRM_ADAPTER in the environment to try another adapter',
    );
  }
  if (env.CRM_ADAPTER?.trim()) return { env, notes };
  return { env: { ...env, CRM_ADAPTER: 'file', CRM_FILE_PATH: recordsFile }, recordsFile, notes };
}
