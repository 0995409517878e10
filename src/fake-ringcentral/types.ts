import type { Logger } from 'pino';

/** RingCentral's usage-plan groups (https://developers.ringcentral.com/guide/basics/rate-limits). */
export type RateLimitGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
  /** Penalty after the limit is hit; every request sent during it restarts it. */
  penaltyMs: number;
}

export interface FakeRingCentralOptions {
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  /** Account id; also the id of the token's owner extension unless `ownerExtensionId` is set. */
  accountId?: string;
  ownerExtensionId?: string;
  /** App permissions granted (the token's `scope`). */
  permissions?: string[];
  rateLimits?: Partial<Record<RateLimitGroup, RateLimitRule>>;
  /** Delay after a call ends before its finished record shows in Active Calls, uniform in [min, max]. */
  activeCallsVisibilityMs?: [number, number];
  /** An ended call leaves Active Calls this long after it ENDED (not after it became visible). */
  activeCallsRetentionMs?: number;
  /** Delay after a call ends before it shows in the Call Log, uniform in [min, max]. */
  callLogVisibilityMs?: [number, number];
  /** Delay after a recorded call ends before its recording exists, uniform in [min, max]. */
  recordingDelayMs?: [number, number];
  /** Size of each recording's (synthetic, deterministic) audio content. */
  recordingBytes?: number;
  accessTokenTtlSec?: number;
  refreshTokenTtlSec?: number;
  /** Webhook validation (subscription creation) must answer within this. */
  handshakeTimeoutMs?: number;
  /** Each notification POST is abandoned (and counted as failed) after this. */
  deliveryTimeoutMs?: number;
  /** false: notifications are generated (and returned) but never POSTed. Per-call override exists. */
  deliverNotifications?: boolean;
  /**
   * Share of notifications (0–1) that are never sent, as when RingCentral loses them: each addressed
   * envelope is dropped with this probability (seeded), counted in `stats().notificationsDropped`.
   */
  notificationLoss?: number;
  /** Seed for every random delay and id; the same seed and script give the same calls. */
  seed?: number;
  now?: () => number;
  logger?: Logger;
  /** Main company number in account info. */
  mainNumber?: string;
  /**
   * Host name used in recording `contentUri`s (same port), e.g. 'localhost', so tests can tell
   * "media host" requests apart from API ones. Default: the host the server listens on.
   */
  mediaHostname?: string;
  /**
   * The account's extensions as extension info returns them (type, name, number, contact email). When
   * given, other extension ids are 404 CMN-102, as RingCentral answers; when not, any id is a bare User.
   */
  extensions?: FakeExtension[];
  /** The account's time zone (`regionalSettings.timezone.name` of account info), e.g. 'US/Pacific'. */
  timeZone?: string;
}

export interface FakeExtension {
  id: string;
  /** RingCentral's extension type: User (default), IvrMenu, Department (call queue), … */
  type?: string;
  name?: string;
  extensionNumber?: string;
  email?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  /** Route template, e.g. `GET /restapi/v1.0/account/{accountId}/active-calls`; undefined when none matched. */
  route?: string;
  group?: RateLimitGroup;
  /** `now()` when the request arrived. */
  time: number;
  /** The Host header the request arrived with. */
  host: string;
  /** Whether an Authorization header was present (any scheme). */
  authorization: boolean;
  /** 'bearer' | 'basic' | other scheme in lower case, or undefined. */
  authScheme?: string;
  /** True when the answer came from `faults` (failNext or setDown). */
  fault: boolean;
}

export interface DeliveryLogEntry {
  kind: 'notification' | 'reminder';
  uuid: string;
  subscriptionId: string;
  address: string;
  /** HTTP status of the receiver, or undefined on network error / timeout. */
  status?: number;
  ok: boolean;
  error?: string;
  time: number;
  /** Milliseconds from sending to the receiver's answer (or the failure). */
  durationMs?: number;
  telephonySessionId?: string;
  sequence?: number;
}

export interface FakeStats {
  requests: number;
  byGroup: Record<RateLimitGroup, number>;
  byRoute: Record<string, number>;
  rateLimited: number;
  rateLimitedByGroup: Record<RateLimitGroup, number>;
  /** Notification and reminder POSTs attempted (failures included). */
  notificationsSent: number;
  /** Of those, the ones answered with a non-2xx status, or that failed or timed out. */
  notificationFailures: number;
  /** Notifications never sent because of `notificationLoss`. */
  notificationsDropped: number;
}

export interface FailNextOptions {
  method?: string;
  /** Matched against the request path (no query string); a string must match exactly. */
  path: RegExp | string;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** JSON body (default: a RingCentral-shaped error for the status). */
  body?: unknown;
  headers?: Record<string, string>;
}
