import { pino, type Logger, type LoggerOptions } from 'pino';
import { serializeError } from './log-safety.js';

/**
 * Paths never written to logs: RingCentral's verification token, bearer tokens, CRM secrets.
 * Hyphenated header names need bracket syntax.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["verification-token"]',
  'req.headers["validation-token"]',
  'req.headers["webhook-signature"]',
  'headers.authorization',
  'headers["verification-token"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.jwt',
  '*.token',
  'access_token',
  'refresh_token',
  'password',
  'secret',
  'token',
  'jwt',
  // Settings objects (never logged on purpose, but a stray `log.info(config)` must not leak them).
  ...[
    'RINGCENTRAL_CLIENT_SECRET',
    'RINGCENTRAL_JWT',
    'WEBHOOK_VERIFICATION_TOKEN',
    'CRM_WEBHOOK_SECRET',
    'ADMIN_PASSWORD',
    'HUBSPOT_ACCESS_TOKEN',
    'SALESFORCE_ACCESS_TOKEN',
    'SALESFORCE_PRIVATE_KEY',
    'RECORDING_LINK_SECRET',
    'RECORDINGS_ARCHIVE_SECRET_ACCESS_KEY',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // Errors lose the payloads libraries attach to them (ioredis: the command and its arguments).
    serializers: { err: serializeError },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type { Logger };
