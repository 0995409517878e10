import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` is the secret `expected`, in constant time. Hashing both first gives buffers of equal
 * length, so neither the secret's content nor its length leaks through timing.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
