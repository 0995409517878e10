import { z } from 'zod';
import { toE164 } from './phone.js';
import { parseEnvSettings } from './settings.js';

/** Which calls are sent to the CRMs. Applies to every configured adapter. */
export interface DeliveryFilters {
  /** Send only calls in this direction. */
  direction: 'both' | 'inbound' | 'outbound';
  /** Skip calls shorter than this (seconds). */
  minDurationSec: number;
  /** Whether calls between two extensions of the account are sent. */
  internal: 'include' | 'exclude';
  /** E.164 numbers whose calls are never sent (either side of the call). */
  blockedNumbers: string[];
}

export const defaultDeliveryFilters: DeliveryFilters = Object.freeze({
  direction: 'both',
  minDurationSec: 0,
  internal: 'include',
  blockedNumbers: [],
});

const schema = z.object({
  CRM_FILTER_DIRECTION: z
    .enum(['both', 'inbound', 'outbound'], {
      error: 'CRM_FILTER_DIRECTION must be both, inbound or outbound',
    })
    .default('both'),
  CRM_FILTER_MIN_DURATION_SEC: z.coerce
    .number({ error: 'CRM_FILTER_MIN_DURATION_SEC must be a whole number of seconds' })
    .int('CRM_FILTER_MIN_DURATION_SEC must be a whole number of seconds')
    .nonnegative('CRM_FILTER_MIN_DURATION_SEC must not be negative')
    .default(0),
  CRM_FILTER_INTERNAL: z
    .enum(['include', 'exclude'], { error: 'CRM_FILTER_INTERNAL must be include or exclude' })
    .default('include'),
  CRM_FILTER_BLOCKED_NUMBERS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const numbers: string[] = [];
      for (const entry of value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        const e164 = toE164(entry);
        if (e164) numbers.push(e164);
        else
          ctx.addIssue({
            code: 'custom',
            message: `CRM_FILTER_BLOCKED_NUMBERS: "${entry}" is not a phone number`,
          });
      }
      return numbers;
    }),
});

/** The CRM_FILTER_* settings; a bad value stops the start with a message naming the variable. */
export function parseFilterSettings(env: Readonly<Record<string, string | undefined>>): DeliveryFilters {
  const e = parseEnvSettings('Invalid CRM filter settings', schema, env);
  return {
    direction: e.CRM_FILTER_DIRECTION,
    minDurationSec: e.CRM_FILTER_MIN_DURATION_SEC,
    internal: e.CRM_FILTER_INTERNAL,
    blockedNumbers: e.CRM_FILTER_BLOCKED_NUMBERS,
  };
}
