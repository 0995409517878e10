import { randomBytes } from 'node:crypto';

export interface TokenInfo {
  ownerId: string;
  expiresAt: number;
}

interface Issued {
  kind: 'access' | 'refresh';
  ownerId: string;
  expiresAt: number;
  /** The other token of the same pair: refreshing or revoking one retires both. */
  sibling: string;
}

interface Deps {
  now: () => number;
  accessTtlSec: number;
  refreshTtlSec: number;
}

export type TokenCheck = { ok: true; info: TokenInfo } | { ok: false; reason: 'not-found' | 'expired' };

/**
 * Access/refresh token pairs. Like RingCentral: refresh tokens are single-use and refreshing
 * invalidates the previous access token at once (https://developers.ringcentral.com/guide/authentication/refresh-tokens).
 */
export function createTokenStore({ now, accessTtlSec, refreshTtlSec }: Deps) {
  const tokens = new Map<string, Issued>();

  function check(token: string, kind: Issued['kind']): TokenCheck {
    const found = tokens.get(token);
    if (!found || found.kind !== kind) return { ok: false, reason: 'not-found' };
    if (found.expiresAt <= now()) return { ok: false, reason: 'expired' };
    return { ok: true, info: { ownerId: found.ownerId, expiresAt: found.expiresAt } };
  }

  function revoke(token: string): void {
    const found = tokens.get(token);
    if (!found) return;
    tokens.delete(token);
    tokens.delete(found.sibling);
  }

  return {
    issue(ownerId: string) {
      const access = `fake-at-${randomBytes(24).toString('base64url')}`;
      const refresh = `fake-rt-${randomBytes(24).toString('base64url')}`;
      const t = now();
      tokens.set(access, { kind: 'access', ownerId, expiresAt: t + accessTtlSec * 1000, sibling: refresh });
      tokens.set(refresh, { kind: 'refresh', ownerId, expiresAt: t + refreshTtlSec * 1000, sibling: access });
      return { access, refresh, accessTtlSec, refreshTtlSec };
    },
    checkAccess: (token: string) => check(token, 'access'),
    checkRefresh: (token: string) => check(token, 'refresh'),
    revoke,
    /** Invalidate every token (tests of the re-login path). */
    revokeAll: () => tokens.clear(),
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
