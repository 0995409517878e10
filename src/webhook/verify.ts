import { sameSecret } from '../infra/same-secret.js';

/** Checks the `Verification-Token` header against ours, in constant time (`sameSecret`). */
export function createTokenVerifier(expected: string) {
  return (received: string | string[] | undefined): 'ok' | 'missing' | 'wrong' => {
    const value = Array.isArray(received) ? received[0] : received;
    if (value === undefined || value === '') return 'missing';
    return sameSecret(value, expected) ? 'ok' : 'wrong';
  };
}
