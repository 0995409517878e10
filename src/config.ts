import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isTimeZone } from './adapters/time-zone.js';
import { parseArchiveLocation } from './recordings/archive.js';
import { toE164 } from './adapters/phone.js';

/**
 * The one configuration schema. Server, workers and CLI all read their settings from the
 * object `parseConfig` returns; nothing else in the codebase reads `process.env`. The only raw
 * environment passed on is for CRM adapters' own settings (`config.env`), which each adapter validates.
 * Operators and tools depend on the variable names (docs/configuration.md, .env.example): keep them.
 */

const ms = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const url = (name: string) =>
  z.string().refine((value) => {
    try {
      const parsed = new URL(value);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:';
    } catch {
      return false;
    }
  }, `${name} must be an http(s) URL`);

const adapterList = z
  .string()
  .default('stdout')
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .refine((names) => names.length > 0, 'CRM_ADAPTER must name at least one adapter');

/** A comma-separated list of phone numbers in any common format, as E.164; each bad entry is named. */
const phoneNumbers = (name: string) => (value: string, ctx: z.RefinementCtx) => {
  const numbers: string[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const e164 = toE164(entry);
    if (e164) numbers.push(e164);
    else ctx.addIssue({ code: 'custom', message: `${name}: "${entry}" is not a phone number` });
  }
  return numbers;
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Serve /metrics and /admin/queues on this internal port instead of PORT (unset: both on PORT). */
  ADMIN_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HOST: z.string().default('0.0.0.0'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => /^rediss?:\/\//.test(value), 'REDIS_URL must start with redis:// or rediss://'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'QUEUE_PREFIX may only hold letters, digits, "_", "." and "-"')
    .default('rc-enrich'),

  RINGCENTRAL_SERVER_URL: url('RINGCENTRAL_SERVER_URL').default('https://platform.ringcentral.com'),
  RINGCENTRAL_CLIENT_ID: optionalString,
  RINGCENTRAL_CLIENT_SECRET: optionalString,
  RINGCENTRAL_JWT: optionalString,
  /** Extra hosts (comma-separated) allowed to receive the RingCentral bearer token, e.g. a media host. */
  RINGCENTRAL_TRUSTED_HOSTS: z.string().default(''),

  WEBHOOK_VERIFICATION_TOKEN: optionalString,
  PUBLIC_URL: optionalString.pipe(url('PUBLIC_URL').optional()),
  /**
   * Largest webhook body accepted. A telephony-session notification is 1–2 KiB with its usual one to
   * three parties; 64 KiB holds one with dozens of parties at every field's length cap.
   */
  WEBHOOK_BODY_LIMIT: positive(64 * 1024),

  CRM_ADAPTER: adapterList,
  // Which calls reach the CRMs, for every adapter (the adapters' own settings are theirs to check).
  CRM_FILTER_DIRECTION: z
    .enum(['both', 'inbound', 'outbound'], {
      error: 'CRM_FILTER_DIRECTION must be both, inbound or outbound',
    })
    .default('both'),
  CRM_FILTER_MIN_DURATION_SEC: z.coerce
    .number({ error: 'CRM_FILTER_MIN_DURATION_SEC must be a whole number of seconds' })
    .int('CRM_FILTER_MIN_DURATION_SEC must be a whole number of seconds')
    .nonnegative('CRM_FILTER_MIN_DURATION_SEC must not be negative')
    .default(0),
  CRM_FILTER_INTERNAL: z
    .enum(['include', 'exclude'], { error: 'CRM_FILTER_INTERNAL must be include or exclude' })
    .default('include'),
  CRM_FILTER_BLOCKED_NUMBERS: z.string().default('').transform(phoneNumbers('CRM_FILTER_BLOCKED_NUMBERS')),
  /** JSON file mapping RingCentral extensions (id or email) to CRM user ids; read and checked at start. */
  CRM_OWNER_MAP: optionalString,
  /** IANA time zone for CRM date fields; unset: the RingCentral account's, else UTC. */
  CRM_TIME_ZONE: optionalString.refine(
    (value) => value === undefined || isTimeZone(value),
    'CRM_TIME_ZONE must be an IANA time zone name, e.g. America/Los_Angeles',
  ),

  // Recordings (src/recordings): playable links, a local cache, an optional archive.
  /** Signs the recording links served on PUBLIC_URL; unset, records carry no links. */
  RECORDING_LINK_SECRET: optionalString.pipe(
    z.string().min(32, 'RECORDING_LINK_SECRET must be at least 32 characters').optional(),
  ),
  /** How long a recording link plays; the CRM keeps the link, so this is long by default. */
  RECORDING_LINK_TTL_DAYS: positive(365),
  /** Where played recordings are kept so replays and seeks cost no RingCentral request. */
  RECORDINGS_CACHE_DIR: optionalString,
  RECORDINGS_CACHE_MAX_MB: positive(1024),
  /** `s3://bucket[/prefix]`: keep every recording past RingCentral's 90 days. */
  RECORDINGS_ARCHIVE: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => parseArchiveLocation(value) !== undefined,
        'RECORDINGS_ARCHIVE must look like s3://bucket or s3://bucket/prefix',
      )
      .optional(),
  ),
  /** An S3-compatible endpoint (MinIO, R2, …); unset for AWS S3. */
  RECORDINGS_ARCHIVE_ENDPOINT: optionalString.pipe(url('RECORDINGS_ARCHIVE_ENDPOINT').optional()),
  RECORDINGS_ARCHIVE_REGION: z.string().default('us-east-1'),
  /** Both or neither; neither: the AWS SDK's own credential chain (instance role, profile). */
  RECORDINGS_ARCHIVE_ACCESS_KEY_ID: optionalString,
  RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY: optionalString,

  /** How often delivered calls still missing a recording (or RingCentral's record) are looked up. */
  LATE_DATA_CHECK_INTERVAL_MS: positive(60_000),

  ADMIN_USER: z.string().default('admin'),
  /** Basic auth has no second factor: the password must resist guessing (failures are throttled too). */
  ADMIN_PASSWORD: optionalString.pipe(
    z
      .string()
      .min(12, 'ADMIN_PASSWORD must be at least 12 characters, e.g. `openssl rand -base64 18`')
      .optional(),
  ),
  /**
   * Failed authentications (dashboard logins, wrong Verification-Token) allowed per client address in
   * AUTH_FAILURES_WINDOW_MS; past that the address gets 429 until the window ends.
   */
  AUTH_FAILURES_MAX: positive(10),
  AUTH_FAILURES_WINDOW_MS: positive(10 * 60 * 1000),
  /** Dashboard read-only mode: queues can be browsed but no job retried, removed or added (HTTP 405). */
  ADMIN_READ_ONLY: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'ADMIN_READ_ONLY must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),

  // Enrichment timing. RingCentral's real figures are the defaults; tests and the demo shrink them.
  /** Wait after a call ends before the first Active Calls lookup (records show 3–10 s after the end). */
  ENRICH_VISIBILITY_DELAY_MS: ms(3_000),
  /** Latest a record is expected in Active Calls after its call ends, until matches teach better. */
  ENRICH_VISIBILITY_MAX_MS: ms(10_000),
  /** How long after the end a call is looked for in Active Calls (RingCentral keeps it ~120 s). */
  ENRICH_ACTIVE_WINDOW_MS: ms(115_000),
  /**
   * Gap between two Active Calls listings of one account in steady traffic (bursts go faster). Unset:
   * the pace the Heavy budget sustains, window / limit (6.1 s for 10 a minute), following learned limits.
   */
  ENRICH_POLL_INTERVAL_MS: z.coerce.number().int().positive().optional(),
  /**
   * When a call missing from Active Calls is looked up in the Call Log, after its end. RingCentral: the
   * log has a call 15–30 s after it ends; asking at 30 s finds it with one query instead of two.
   */
  ENRICH_CALL_LOG_DELAY_MS: ms(30_000),
  /** How long after the end the Call Log is tried before the call counts as not found. */
  ENRICH_CALL_LOG_WINDOW_MS: ms(600_000),
  /** Minimum gap between two Call Log queries of one account. */
  ENRICH_CALL_LOG_INTERVAL_MS: ms(20_000),
  /** A call with no event for this long is treated as ended (a lost Disconnected must not strand it). */
  ENRICH_QUIET_PERIOD_MS: ms(4 * 60 * 60 * 1000),
  /**
   * How long past the Call Log window a call keeps being looked up when RingCentral itself failed
   * (5xx, 429, network, login) and never answered the Call Log question: such a call is not "not found".
   * After this it is dead-lettered (replayable with `rc-enrich dlq replay`).
   */
  ENRICH_UNAVAILABLE_RETRY_MS: ms(6 * 60 * 60 * 1000),
  /** What to do with a call never found: deliver what the notifications told us, or dead-letter it. */
  ENRICH_NOT_FOUND: z.enum(['deliver', 'dead-letter']).default('deliver'),
  ENRICH_CONCURRENCY: positive(50),

  // The Heavy rate-limit group (Active Calls, Call Log, recordings): 10 requests a minute by default.
  RC_HEAVY_LIMIT: positive(10),
  RC_HEAVY_WINDOW_MS: positive(60_000),
  /** Added to the window: RingCentral counts arrivals, we count departures. */
  RC_HEAVY_SAFETY_MS: ms(1_000),
  /** Pause for every Heavy request after a 429 without Retry-After (RingCentral says 30 s). */
  RC_DEFAULT_RETRY_AFTER_MS: positive(30_000),
  RC_REQUEST_TIMEOUT_MS: positive(15_000),
  /** Longest pause a RingCentral `Retry-After` may impose (longer ones are capped, logged and counted). */
  RC_MAX_RETRY_AFTER_MS: positive(5 * 60 * 1000),

  DELIVERY_ATTEMPTS: positive(25),
  DELIVERY_BACKOFF_MS: positive(5_000),
  DELIVERY_MAX_BACKOFF_MS: positive(60 * 60 * 1000),
  DELIVERY_CONCURRENCY: positive(10),
  DELIVERY_TIMEOUT_MS: positive(15_000),
  /** Longest wait a CRM's `Retry-After` may impose on a delivery (longer ones are capped, logged and counted). */
  DELIVERY_MAX_RETRY_AFTER_MS: positive(60 * 60 * 1000),

  /** How long a worker's claim on a job lasts without renewal: a killed worker's jobs return after this. */
  WORKER_LOCK_DURATION_MS: positive(30_000),
  /** How often workers look for jobs whose worker died (BullMQ's stalled check). */
  WORKER_STALLED_INTERVAL_MS: positive(30_000),

  SHUTDOWN_GRACE_MS: positive(10_000),

  // The webhook subscription keeper (src/subscriptions).
  /** How often the worker role checks the subscription and repairs it (one owner across processes). */
  SUBSCRIPTION_CHECK_INTERVAL_MS: positive(15 * 60 * 1000),
  /** Renew when less than this is left; also the reminder threshold asked of RingCentral (capped at half the lifetime). */
  SUBSCRIPTION_RENEW_BEFORE_MS: positive(30 * 24 * 60 * 60 * 1000),
  /** Lifetime asked for, in seconds: RingCentral's WebHook maximum, 10 years, unless told otherwise. */
  SUBSCRIPTION_EXPIRES_IN: z.coerce.number().int().min(60).max(315_360_000).default(315_360_000),

  // The reconciler (src/reconcile): the Call Log read for calls whose notifications never arrived.
  /** How often the Call Log is reconciled (one owner across processes); 0 turns it off. */
  RECONCILE_INTERVAL_MS: ms(300_000),
  /** How far back reconcile and back-fill can rely on the delivered ledger, which keeps entries this long. */
  RECONCILE_HORIZON_MS: positive(7 * 24 * 60 * 60 * 1000),
  /** Each run re-reads calls that started this long before the watermark: covers calls still going on. */
  RECONCILE_OVERLAP_MS: ms(60 * 60 * 1000),
  /** A call that ended less than this long ago is left to the notifications (they may be on their way). */
  RECONCILE_GRACE_MS: ms(30_000),
  /** Call Log records per page (RingCentral's maximum is 1000). */
  RECONCILE_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
});

export type Env = z.input<typeof envSchema>;

export function parseConfig(env: Record<string, string | undefined>) {
  const result = envSchema.safeParse(withoutEmptyValues(env));
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = result.data;
  if (Boolean(e.RECORDINGS_ARCHIVE_ACCESS_KEY_ID) !== Boolean(e.RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'Invalid configuration:\n  RECORDINGS_ARCHIVE_ACCESS_KEY_ID and RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY go together: set both or neither',
    );
  }
  if (e.ADMIN_PORT !== undefined && e.ADMIN_PORT === e.PORT) {
    throw new ConfigError(
      'Invalid configuration:\n  ADMIN_PORT must differ from PORT (leave it unset to serve everything on PORT)',
    );
  }
  const config = {
    port: e.PORT,
    adminPort: e.ADMIN_PORT,
    host: e.HOST,
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    ringcentral: {
      serverUrl: e.RINGCENTRAL_SERVER_URL.replace(/\/+$/, ''),
      clientId: e.RINGCENTRAL_CLIENT_ID,
      clientSecret: e.RINGCENTRAL_CLIENT_SECRET,
      jwt: e.RINGCENTRAL_JWT,
      trustedHosts: e.RINGCENTRAL_TRUSTED_HOSTS.split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
      requestTimeoutMs: e.RC_REQUEST_TIMEOUT_MS,
      heavy: {
        limit: e.RC_HEAVY_LIMIT,
        windowMs: e.RC_HEAVY_WINDOW_MS,
        safetyMs: e.RC_HEAVY_SAFETY_MS,
        defaultRetryAfterMs: e.RC_DEFAULT_RETRY_AFTER_MS,
        maxRetryAfterMs: e.RC_MAX_RETRY_AFTER_MS,
      },
    },
    webhook: {
      verificationToken: e.WEBHOOK_VERIFICATION_TOKEN,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      bodyLimit: e.WEBHOOK_BODY_LIMIT,
    },
    crm: {
      adapters: e.CRM_ADAPTER,
      filters: {
        direction: e.CRM_FILTER_DIRECTION,
        minDurationSec: e.CRM_FILTER_MIN_DURATION_SEC,
        internal: e.CRM_FILTER_INTERNAL,
        blockedNumbers: e.CRM_FILTER_BLOCKED_NUMBERS,
      },
      ownerMapPath: e.CRM_OWNER_MAP,
      timeZone: e.CRM_TIME_ZONE,
    },
    recordings: {
      linkSecret: e.RECORDING_LINK_SECRET,
      linkLifetimeMs: e.RECORDING_LINK_TTL_DAYS * 24 * 60 * 60 * 1000,
      cacheDir: e.RECORDINGS_CACHE_DIR ?? join(tmpdir(), 'rc-enrich-recordings'),
      cacheMaxBytes: e.RECORDINGS_CACHE_MAX_MB * 1024 * 1024,
      lateDataIntervalMs: e.LATE_DATA_CHECK_INTERVAL_MS,
      archive: e.RECORDINGS_ARCHIVE
        ? {
            location: parseArchiveLocation(e.RECORDINGS_ARCHIVE)!,
            endpoint: e.RECORDINGS_ARCHIVE_ENDPOINT,
            region: e.RECORDINGS_ARCHIVE_REGION,
            credentials:
              e.RECORDINGS_ARCHIVE_ACCESS_KEY_ID && e.RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY
                ? {
                    accessKeyId: e.RECORDINGS_ARCHIVE_ACCESS_KEY_ID,
                    secretAccessKey: e.RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY,
                  }
                : undefined,
          }
        : undefined,
    },
    admin: { user: e.ADMIN_USER, password: e.ADMIN_PASSWORD, readOnly: e.ADMIN_READ_ONLY },
    authFailures: { max: e.AUTH_FAILURES_MAX, windowMs: e.AUTH_FAILURES_WINDOW_MS },
    enrich: {
      visibilityDelayMs: e.ENRICH_VISIBILITY_DELAY_MS,
      visibilityMaxMs: Math.max(e.ENRICH_VISIBILITY_MAX_MS, e.ENRICH_VISIBILITY_DELAY_MS),
      activeWindowMs: e.ENRICH_ACTIVE_WINDOW_MS,
      pollIntervalMs: e.ENRICH_POLL_INTERVAL_MS,
      callLogDelayMs: e.ENRICH_CALL_LOG_DELAY_MS,
      callLogWindowMs: e.ENRICH_CALL_LOG_WINDOW_MS,
      callLogIntervalMs: e.ENRICH_CALL_LOG_INTERVAL_MS,
      quietPeriodMs: e.ENRICH_QUIET_PERIOD_MS,
      unavailableRetryMs: e.ENRICH_UNAVAILABLE_RETRY_MS,
      notFound: e.ENRICH_NOT_FOUND,
      concurrency: e.ENRICH_CONCURRENCY,
    },
    delivery: {
      attempts: e.DELIVERY_ATTEMPTS,
      backoffMs: e.DELIVERY_BACKOFF_MS,
      maxBackoffMs: e.DELIVERY_MAX_BACKOFF_MS,
      concurrency: e.DELIVERY_CONCURRENCY,
      timeoutMs: e.DELIVERY_TIMEOUT_MS,
      maxRetryAfterMs: e.DELIVERY_MAX_RETRY_AFTER_MS,
    },
    workers: { lockDurationMs: e.WORKER_LOCK_DURATION_MS, stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS },
    subscription: {
      checkIntervalMs: e.SUBSCRIPTION_CHECK_INTERVAL_MS,
      renewBeforeMs: e.SUBSCRIPTION_RENEW_BEFORE_MS,
      expiresInSeconds: e.SUBSCRIPTION_EXPIRES_IN,
    },
    reconcile: {
      intervalMs: e.RECONCILE_INTERVAL_MS,
      horizonMs: e.RECONCILE_HORIZON_MS,
      overlapMs: e.RECONCILE_OVERLAP_MS,
      graceMs: e.RECONCILE_GRACE_MS,
      pageSize: e.RECONCILE_PAGE_SIZE,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    /** The raw environment, only for CRM adapters' own settings (each adapter validates what it reads). */
    env: Object.freeze({ ...env }) as Readonly<Record<string, string | undefined>>,
  };
  return config;
}

export type Config = ReturnType<typeof parseConfig>;

/**
 * `PORT=` (as a copied `.env.example` leaves many lines) means "not set": the default applies, instead of
 * an empty string coerced to 0 (a random port) or failing a format check.
 */
function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim() !== ''));
}

/** Roles that run the workers need RingCentral credentials; the api alone needs the verification token. */
export function assertRunnable(config: Config): void {
  const missing: string[] = [];
  if (config.role !== 'worker' && !config.webhook.verificationToken)
    missing.push('WEBHOOK_VERIFICATION_TOKEN');
  if (config.role !== 'api') {
    if (!config.ringcentral.clientId) missing.push('RINGCENTRAL_CLIENT_ID');
    if (!config.ringcentral.clientSecret) missing.push('RINGCENTRAL_CLIENT_SECRET');
    if (!config.ringcentral.jwt) missing.push('RINGCENTRAL_JWT');
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing required setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (see .env.example)`,
    );
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
