/** Keys whose values never leave the process in readable form (dashboard job views, CLI JSON). */
const secretKey = /secret|passw(or)?d|token|jwt|authori[sz]ation|api[-_]?key|cookie|credential|signature/i;
/** Bearer tokens passed in a URL's query string (RingCentral media links accept `access_token`). */
const tokenInUrl = /([?&](?:access_token|token|api_key|apikey|sig|signature)=)[^&#\s]+/gi;

/** A deep copy of `value` with secret-looking fields and URL tokens replaced by "[redacted]". */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[too deep]';
  if (typeof value === 'string') return value.replace(tokenInUrl, '$1[redacted]');
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        secretKey.test(key) && item !== null && item !== undefined
          ? '[redacted]'
          : redactSecrets(item, depth + 1),
      ]),
    );
  }
  return value;
}
