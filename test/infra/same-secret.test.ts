import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../src/infra/same-secret.js';

describe('sameSecret', () => {
  it.each([
    { given: 's3cret-token', expected: 's3cret-token', same: true },
    { given: 's3cret-tokem', expected: 's3cret-token', same: false },
    { given: 's3cret', expected: 's3cret-token', same: false },
    { given: 's3cret-token-and-more', expected: 's3cret-token', same: false },
    { given: '', expected: 's3cret-token', same: false },
    { given: 'pässwörd', expected: 'pässwörd', same: true },
  ])('$given vs $expected › $same', ({ given, expected, same }) => {
    expect(sameSecret(given, expected)).toBe(same);
  });
});
