import { randomInt } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { FakeRingCentralOptions, RateLimitGroup, RateLimitRule } from './types.js';

const minute = 60_000;

/** RingCentral's documented defaults (https://developers.ringcentral.com/guide/basics/rate-limits): requests per user per minute, 60 s penalty. */
export const defaultRateLimits: Record<RateLimitGroup, RateLimitRule> = {
  Light: { limit: 50, windowMs: minute, penaltyMs: minute },
  Medium: { limit: 40, windowMs: minute, penaltyMs: minute },
  Heavy: { limit: 10, windowMs: minute, penaltyMs: minute },
  Auth: { limit: 5, windowMs: minute, penaltyMs: minute },
};

export const defaultPermissions = [
  'ReadCallLog',
  'CallControl',
  'SubscriptionWebhook',
  'ReadCallRecording',
  'ReadAccounts',
];

export function resolveOptions(options: FakeRingCentralOptions = {}) {
  const accountId = options.accountId ?? '809646016';
  return {
    clientId: options.clientId ?? 'fake-client-id',
    clientSecret: options.clientSecret ?? 'fake-client-secret',
    jwt: options.jwt ?? 'fake-jwt',
    accountId,
    ownerExtensionId: options.ownerExtensionId ?? accountId,
    permissions: new Set(options.permissions ?? defaultPermissions),
    rateLimits: { ...defaultRateLimits, ...options.rateLimits },
    // Real figures: records show 3–10 s after the end, stay ~120 s; the Call Log takes 15–30 s.
    activeCallsVisibilityMs: options.activeCallsVisibilityMs ?? [3_000, 10_000],
    activeCallsRetentionMs: options.activeCallsRetentionMs ?? 120_000,
    callLogVisibilityMs: options.callLogVisibilityMs ?? [15_000, 30_000],
    // Real recordings may take minutes; the default keeps them immediate so late ones are opt-in.
    recordingDelayMs: options.recordingDelayMs ?? [0, 0],
    recordingBytes: options.recordingBytes ?? 64 * 1024,
    accessTokenTtlSec: options.accessTokenTtlSec ?? 3600,
    refreshTokenTtlSec: options.refreshTokenTtlSec ?? 604_800,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 3_000,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 3_000,
    deliverNotifications: options.deliverNotifications ?? true,
    notificationLoss: lossOf(options.notificationLoss),
    seed: options.seed ?? randomInt(0, 2 ** 31),
    now: options.now ?? Date.now,
    logger: options.logger ?? (pino({ level: 'silent' }) as Logger),
    mainNumber: options.mainNumber ?? '+18003151571',
    mediaHostname: options.mediaHostname,
    extensions: options.extensions,
    timeZone: options.timeZone,
  };
}

export type ResolvedOptions = ReturnType<typeof resolveOptions>;

function lossOf(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new Error(`notificationLoss must be between 0 and 1, got ${value}`);
  return value;
}
