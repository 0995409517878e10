import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of the `Verification-Token` header with ours. Hashing first gives equal
 * lengths, so neither the content nor the length of the secret leaks through timing.
 */
export function createTokenVerifier(expected: string) {
  const expectedDigest = digest(expected);
  return (received: string | string[] | undefined): 'ok' | 'missing' | 'wrong' => {
    if (received === undefined || received === '') return 'missing';
    const value = Array.isArray(received) ? received[0] : received;
    if (value === undefined) return 'missing';
    return timingSafeEqual(digest(value), expectedDigest) ? 'ok' : 'wrong';
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
