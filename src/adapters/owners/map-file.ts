import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config.js';

/**
 * CRM_OWNER_MAP: a JSON file an admin keeps, mapping RingCentral users to CRM user ids where matching
 * by email does not work (different emails, shared mailboxes, several RingCentral users on one CRM user):
 *
 *   {
 *     "62": "41629779",                      RingCentral extension id → CRM user id (every CRM adapter)
 *     "sam@acme.example": "41629780",        RingCentral contact email → CRM user id (every CRM adapter)
 *     "salesforce": { "62": "0055e000001AbCdAAK" }   entries for one adapter only; they win
 *   }
 *
 * Keys are extension ids (digits), emails (with "@", any case) or adapter names (an object of entries).
 */
export interface OwnerMap {
  /** The CRM user id mapped for this adapter and extension id or email, if any. */
  lookup(adapter: string, key: string): string | undefined;
  /** How many entries the file holds, for the start-up log line. */
  size: number;
}

type Entries = Map<string, string>;

export function loadOwnerMap(path: string): OwnerMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `CRM_OWNER_MAP: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`CRM_OWNER_MAP: ${path} is not valid JSON (${(err as Error).message})`);
  }
  return parseOwnerMap(json, path);
}

export function parseOwnerMap(json: unknown, source = 'CRM_OWNER_MAP'): OwnerMap {
  const fail = (problem: string) => new ConfigError(`CRM_OWNER_MAP: ${source}: ${problem}`);
  if (!isObject(json)) throw fail('must be a JSON object of "extension id or email": "CRM user id"');
  const shared: Entries = new Map();
  const perAdapter = new Map<string, Entries>();
  for (const [key, value] of Object.entries(json)) {
    if (isObject(value) && !isPersonKey(key)) {
      const entries: Entries = new Map();
      for (const [inner, id] of Object.entries(value)) addEntry(entries, inner, id, `${key}.`, fail);
      perAdapter.set(key, entries);
    } else {
      addEntry(shared, key, value, '', fail);
    }
  }
  const size = shared.size + [...perAdapter.values()].reduce((n, entries) => n + entries.size, 0);
  return {
    size,
    lookup(adapter, key) {
      const normal = normalKey(key);
      return perAdapter.get(adapter)?.get(normal) ?? shared.get(normal);
    },
  };
}

function addEntry(
  entries: Entries,
  key: string,
  value: unknown,
  where: string,
  fail: (problem: string) => Error,
): void {
  if (!isPersonKey(key))
    throw fail(`"${where}${key}" is neither a RingCentral extension id (digits) nor an email`);
  if (typeof value !== 'string' || value.trim() === '')
    throw fail(`"${where}${key}" must map to a CRM user id (a non-empty string)`);
  entries.set(normalKey(key), value.trim());
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isPersonKey = (key: string) => /^\d+$/.test(key.trim()) || /^[^@\s]+@[^@\s]+$/.test(key.trim());
const normalKey = (key: string) => key.trim().toLowerCase();
