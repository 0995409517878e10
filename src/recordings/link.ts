import { createHmac } from 'node:crypto';
import { sameSecret } from '../infra/same-secret.js';

/** Where recording links live under PUBLIC_URL. */
export const RECORDINGS_PATH = '/recordings';

/** RingCentral ids are digits; anything outside this set is not a link we signed. */
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export interface RecordingRef {
  accountId: string;
  recordingId: string;
}

export interface LinkSettings {
  /** PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  secret: string;
  lifetimeMs: number;
}

export type LinkVerdict = 'ok' | 'expired' | 'forged';

/**
 * A playable link for one recording: HMAC-SHA256 over the recording and the expiry, so the link can
 * neither be pointed at another recording nor kept alive past `expires`. It names an `.mp3` because
 * HubSpot only accepts recording URLs ending in .mp3 or .wav; the response's Content-Type is the truth.
 */
export function signRecordingLink(ref: RecordingRef, settings: LinkSettings, now: number): string {
  const expires = Math.floor((now + settings.lifetimeMs) / 1000);
  const signature = sign(ref, expires, settings.secret);
  const path = `${RECORDINGS_PATH}/${encodeURIComponent(ref.accountId)}/${encodeURIComponent(ref.recordingId)}.mp3`;
  return `${settings.publicUrl}${path}?expires=${expires}&signature=${signature}`;
}

/** The verdict on a link's parts as the route received them; `now` in milliseconds. */
export function verifyRecordingLink(
  ref: RecordingRef,
  expiresParam: string | undefined,
  signatureParam: string | undefined,
  secret: string,
  now: number,
): LinkVerdict {
  if (!idPattern.test(ref.accountId) || !idPattern.test(ref.recordingId)) return 'forged';
  if (!expiresParam || !/^\d{1,12}$/.test(expiresParam) || !signatureParam) return 'forged';
  const expires = Number(expiresParam);
  if (!sameSecret(signatureParam, sign(ref, expires, secret))) return 'forged';
  // Checked after the signature, so an expired answer also proves the link was genuine.
  return expires * 1000 <= now ? 'expired' : 'ok';
}

/** Whether a string can be a RingCentral id in a link (the route rejects anything else with 404). */
export const isRecordingId = (value: string) => idPattern.test(value);

function sign(ref: RecordingRef, expires: number, secret: string): string {
  return createHmac('sha256', secret)
    .update(`rc-enrich recording v1\n${ref.accountId}\n${ref.recordingId}\n${expires}`)
    .digest('base64url');
}
