import type { Environment } from '../environment.js';

/**
 * The settings the demo and the simulator run with. They read `.env` like every command (REDIS_URL, a
 * LOG_LEVEL), but a CRM_ADAPTER that came from `.env` is set aside: that file usually describes
 * production, and simulated calls must not land in a real CRM. Set CRM_ADAPTER in the environment to
 * try another adapter against the simulator.
 */
export function simulatorEnvironment(environment: Environment): {
  env: Record<string, string | undefined> & { LOG_LEVEL: string };
  notes: string[];
} {
  const env: Record<string, string | undefined> & { LOG_LEVEL: string } = {
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
  return { env, notes };
}
