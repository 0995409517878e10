/**
 * Phone numbers as CRMs hold them.
 *
 * RingCentral hands us E.164 (`+14155550100`); CRM users type whatever they like (`(415) 555-0100`,
 * `415-555-0100`, `+1 415 555 0100`), and HubSpot's `IN`/`EQ` filters match exact strings. So a lookup
 * searches for the formats a person is likely to have typed, and this module renders them.
 *
 * Why not libphonenumber-js: it parses and validates well, but rendering lookup variants is the reverse
 * problem, and it only renders NATIONAL and INTERNATIONAL (`(415) 555-0100`, `+1 415 555 0100`), not
 * `415-555-0100` or `415.555.0100`. For the NANP, which covers our users today, the rules are simple and
 * fixed (1 + 3-digit area code + 7 digits), so a dozen lines do it without ~150 kB of metadata. Other
 * countries get E.164 and bare digits only; when deployments outside the NANP matter, libphonenumber-js
 * (MIT, no dependencies) is the right way to add their national formats.
 */

/** `+14155550100` from any common way of writing a number; undefined for extensions and junk. */
export function toE164(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const trimmed = raw.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.startsWith('011'))
    digits = digits.slice(3); // NANP international dialling prefix
  else if (digits.startsWith('00'))
    digits = digits.slice(2); // most other countries' prefix
  else if (digits.length === 10 && isNanpNational(digits)) return `+1${digits}`;
  else if (digits.length === 11 && digits.startsWith('1') && isNanpNational(digits.slice(1)))
    return `+${digits}`;
  else return undefined; // no country code and not a NANP number: an extension or a short code
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
}

/** A NANP number in national form: area code and exchange both start with 2–9. */
function isNanpNational(ten: string): boolean {
  return /^[2-9]\d{2}[2-9]\d{6}$/.test(ten);
}

export function isNanp(e164: string): boolean {
  return e164.length === 12 && e164.startsWith('+1') && isNanpNational(e164.slice(2));
}

/**
 * The ways a CRM record may hold `e164`, most likely first; E.164 itself always comes first.
 * For +14155550100: `+14155550100`, `4155550100`, `(415) 555-0100`, `415-555-0100`, `+1 415 555 0100`, …
 */
export function phoneVariants(raw: string): string[] {
  const e164 = toE164(raw);
  if (!e164) return [];
  const digits = e164.slice(1);
  if (!isNanp(e164)) return [e164, digits, `00${digits}`];
  const ten = digits.slice(1);
  const [area, exchange, line] = [ten.slice(0, 3), ten.slice(3, 6), ten.slice(6)];
  return [
    e164,
    ten,
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `+1 ${area} ${exchange} ${line}`,
    `+1 (${area}) ${exchange}-${line}`,
    `+1-${area}-${exchange}-${line}`,
    `1 (${area}) ${exchange}-${line}`,
    `1-${area}-${exchange}-${line}`,
    `1${ten}`,
    `${area}.${exchange}.${line}`,
    `${area} ${exchange} ${line}`,
    `(${area})${exchange}-${line}`,
  ];
}

/** Human-readable form for titles: `+1 (415) 555-0100`, or the E.164 itself outside the NANP. */
export function displayPhone(raw: string | undefined): string | undefined {
  const e164 = toE164(raw);
  if (!e164) return raw?.trim() || undefined;
  if (!isNanp(e164)) return e164;
  return `+1 (${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
}
