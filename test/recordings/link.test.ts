import { describe, expect, it } from 'vitest';
import { signRecordingLink, verifyRecordingLink } from '../../src/recordings/link.js';

const settings = { publicUrl: 'https://calls.acme.example', secret: 'x'.repeat(40), lifetimeMs: 3_600_000 };
const ref = { accountId: '809646016', recordingId: '6469338004' };
const now = Date.parse('2026-11-30T12:00:00.000Z');

function parts(link: string) {
  const url = new URL(link);
  const [, , accountId, file] = url.pathname.split('/');
  return {
    ref: { accountId: accountId!, recordingId: file!.replace(/\.mp3$/, '') },
    expires: url.searchParams.get('expires') ?? undefined,
    signature: url.searchParams.get('signature') ?? undefined,
  };
}

describe('recording links › sign and verify', () => {
  const link = signRecordingLink(ref, settings, now);
  const p = parts(link);

  it('an HTTPS .mp3 link under PUBLIC_URL that verifies until it expires', () => {
    expect(link).toMatch(
      /^https:\/\/calls\.acme\.example\/recordings\/809646016\/6469338004\.mp3\?expires=\d+&signature=/,
    );
    expect(verifyRecordingLink(p.ref, p.expires, p.signature, settings.secret, now)).toBe('ok');
    expect(verifyRecordingLink(p.ref, p.expires, p.signature, settings.secret, now + 3_600_000)).toBe(
      'expired',
    );
  });

  it.each([
    ['another recording', { ...p, ref: { ...ref, recordingId: '6469338005' } }],
    ['another account', { ...p, ref: { ...ref, accountId: '1' } }],
    ['a later expiry', { ...p, expires: String(Number(p.expires) + 1) }],
    ['no signature', { ...p, signature: undefined }],
    ['a truncated signature', { ...p, signature: p.signature!.slice(0, 10) }],
    ['an expiry that is not a number', { ...p, expires: '1e12' }],
    ['an id with a slash', { ...p, ref: { ...ref, recordingId: '../etc' } }],
  ])('%s › forged', (_name, forged) => {
    expect(verifyRecordingLink(forged.ref, forged.expires, forged.signature, settings.secret, now)).toBe(
      'forged',
    );
  });

  it('another secret › forged (rotating RECORDING_LINK_SECRET retires every link)', () => {
    expect(verifyRecordingLink(p.ref, p.expires, p.signature, 'y'.repeat(40), now)).toBe('forged');
  });
});
