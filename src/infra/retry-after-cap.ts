/**
 * A `Retry-After` is the other side's word. One 429 saying "come back in 41 days" must not park a
 * delivery (or stop every RingCentral lookup) for that long without anyone noticing: it is capped,
 * and the caller logs and counts each time the cap applies (rc_enrich_retry_after_capped_total).
 */
export interface CappedRetryAfter {
  ms: number;
  /** What the answer asked for, when it was more than the cap. */
  askedMs?: number;
}

export function capRetryAfter(askedMs: number, maxMs: number): CappedRetryAfter {
  return askedMs > maxMs ? { ms: maxMs, askedMs } : { ms: askedMs };
}
