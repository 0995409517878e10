import type { Logger } from 'pino';
import type { ExtensionDirectory } from './directory.js';

/**
 * CRM fields that hold a date (Salesforce's Task `ActivityDate`) want the day the call happened where the
 * business is, not in UTC: a 16:30 call in Los Angeles is 00:30 UTC the next day.
 */

/** True for names the runtime's time-zone database knows (`America/Los_Angeles`, `UTC`, `US/Pacific`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The time zone for CRM dates: CRM_TIME_ZONE when set; else the RingCentral account's (asked once, then
 * kept); else UTC. A failed lookup is tried again at the next call rather than settling on UTC for good.
 */
export function createTimeZoneSource(deps: {
  configured?: string;
  directory?: ExtensionDirectory;
  logger: Logger;
}): () => Promise<string> {
  let known = deps.configured;
  return async () => {
    if (known) return known;
    if (!deps.directory) return (known = 'UTC');
    try {
      const zone = await deps.directory.accountTimeZone();
      if (zone && isTimeZone(zone)) {
        deps.logger.info({ timeZone: zone }, 'CRM dates use the RingCentral account time zone');
        return (known = zone);
      }
      deps.logger.warn(
        { timeZone: zone },
        'the RingCentral account has no usable time zone: CRM dates use UTC (set CRM_TIME_ZONE)',
      );
      return (known = 'UTC');
    } catch (err) {
      deps.logger.warn(
        { err: (err as Error).message },
        'could not read the RingCentral account time zone: this CRM date uses UTC',
      );
      return 'UTC';
    }
  };
}
