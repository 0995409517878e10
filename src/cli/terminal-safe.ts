/**
 * Text the CLI prints comes partly from outside: notification fields, CRM error bodies. Printed raw,
 * an escape sequence in them could rewrite the operator's terminal (move the cursor, hide lines, set
 * the title). Every control character (C0, DEL, C1 such as the 8-bit CSI) and the Unicode bidi
 * overrides that reorder what is shown are printed as `\uXXXX` instead.
 */
const unsafe = /[\p{Cc}\p{Bidi_Control}]/gu;
// JSON.stringify already escapes C0 (and the pretty-printer's own newlines must stay); the rest would not be.
const unsafeInJson = /[\u007f-\u009f\p{Bidi_Control}]/gu;

const escape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One string, safe to print: newlines and tabs are escaped too, so a value cannot forge a line. */
export function escapeControl(text: string): string {
  return text.replace(unsafe, escape);
}

/** The same value with every string in it (deeply, through arrays and plain objects) escaped. */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => terminalSafe(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [escapeControl(key), terminalSafe(item)]),
    ) as T;
  }
  return value;
}

/** Pretty JSON for `--json`, with nothing in it a terminal would act on. Still valid JSON. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(unsafeInJson, escape);
}
