import { describe, expect, it } from 'vitest';
import { ConfigError, assertRunnable, parseConfig, type Config } from '../src/config.js';

const credentials = {
  RINGCENTRAL_CLIENT_ID: 'id',
  RINGCENTRAL_CLIENT_SECRET: 'secret',
  RINGCENTRAL_JWT: 'jwt',
  WEBHOOK_VERIFICATION_TOKEN: 'token',
};

/** The message parseConfig throws for `env`, or undefined when it parses. */
const problemsOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
};

describe('config › defaults', () => {
  it('an empty environment is a valid configuration with the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      role: 'all',
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'rc-enrich',
      ringcentral: { serverUrl: 'https://platform.ringcentral.com', trustedHosts: [] },
      crm: {
        adapters: ['stdout'],
        filters: { direction: 'both', minDurationSec: 0, internal: 'include', blockedNumbers: [] },
      },
      admin: { user: 'admin', password: undefined, readOnly: false },
      enrich: { notFound: 'deliver', quietPeriodMs: 4 * 60 * 60 * 1000 },
      delivery: { attempts: 25 },
      shutdownGraceMs: 10_000,
    });
  });
});

describe('config › values', () => {
  it.each([
    [{ CRM_ADAPTER: ' webhook , hubspot ,' }, (c: Config) => c.crm.adapters, ['webhook', 'hubspot']],
    [
      { RINGCENTRAL_SERVER_URL: 'http://127.0.0.1:9/' },
      (c: Config) => c.ringcentral.serverUrl,
      'http://127.0.0.1:9',
    ],
    [{ PUBLIC_URL: 'https://x.example//' }, (c: Config) => c.webhook.publicUrl, 'https://x.example'],
    [{ PUBLIC_URL: '  ' }, (c: Config) => c.webhook.publicUrl, undefined],
    [
      { RINGCENTRAL_TRUSTED_HOSTS: ' Media.Example ,, b.example' },
      (c: Config) => c.ringcentral.trustedHosts,
      ['media.example', 'b.example'],
    ],
    [{ ADMIN_READ_ONLY: 'yes' }, (c: Config) => c.admin.readOnly, true],
    [{ ADMIN_READ_ONLY: '0' }, (c: Config) => c.admin.readOnly, false],
    [{ CRM_FILTER_DIRECTION: 'outbound' }, (c: Config) => c.crm.filters.direction, 'outbound'],
    [{ CRM_FILTER_MIN_DURATION_SEC: '10' }, (c: Config) => c.crm.filters.minDurationSec, 10],
    [{ CRM_FILTER_INTERNAL: 'exclude' }, (c: Config) => c.crm.filters.internal, 'exclude'],
    [
      { CRM_FILTER_BLOCKED_NUMBERS: '+14155550100, (650) 555-0111' },
      (c: Config) => c.crm.filters.blockedNumbers,
      ['+14155550100', '+16505550111'],
    ],
  ])('%o › parsed as the service uses it', (env, read, expected) => {
    expect(read(parseConfig(env))).toEqual(expected);
  });
});

describe('config › a bad value stops the start with a message naming the variable', () => {
  it.each([
    [{ PORT: '70000' }, /PORT: /],
    [{ ROLE: 'both' }, /ROLE: /],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: /],
    [
      { REDIS_URL: 'http://127.0.0.1:6379' },
      /REDIS_URL: REDIS_URL must start with redis:\/\/ or rediss:\/\//,
    ],
    [{ QUEUE_PREFIX: 'a b' }, /QUEUE_PREFIX: QUEUE_PREFIX may only hold letters/],
    [
      { RINGCENTRAL_SERVER_URL: 'ftp://x' },
      /RINGCENTRAL_SERVER_URL: RINGCENTRAL_SERVER_URL must be an http\(s\) URL/,
    ],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL: PUBLIC_URL must be an http\(s\) URL/],
    [{ CRM_ADAPTER: ' , ' }, /CRM_ADAPTER: CRM_ADAPTER must name at least one adapter/],
    [{ ADMIN_READ_ONLY: 'maybe' }, /ADMIN_READ_ONLY: ADMIN_READ_ONLY must be true or false/],
    [{ ENRICH_VISIBILITY_DELAY_MS: '-1' }, /ENRICH_VISIBILITY_DELAY_MS: /],
    [{ ENRICH_NOT_FOUND: 'drop' }, /ENRICH_NOT_FOUND: /],
    [{ DELIVERY_ATTEMPTS: '0' }, /DELIVERY_ATTEMPTS: /],
    [{ SUBSCRIPTION_EXPIRES_IN: '10' }, /SUBSCRIPTION_EXPIRES_IN: /],
    [{ CRM_FILTER_DIRECTION: 'sideways' }, /CRM_FILTER_DIRECTION must be both, inbound or outbound/],
    [{ CRM_FILTER_MIN_DURATION_SEC: 'ten' }, /CRM_FILTER_MIN_DURATION_SEC must be a whole number/],
    [{ CRM_FILTER_MIN_DURATION_SEC: '-1' }, /CRM_FILTER_MIN_DURATION_SEC must not be negative/],
    [{ CRM_FILTER_INTERNAL: 'maybe' }, /CRM_FILTER_INTERNAL must be include or exclude/],
    [
      { CRM_FILTER_BLOCKED_NUMBERS: '+14155550100,ext 12' },
      /CRM_FILTER_BLOCKED_NUMBERS: "ext 12" is not a phone number/,
    ],
  ])('%o', (env, message) => {
    expect(problemsOf(env)).toMatch(message);
  });

  it('every bad variable is named at once, one per line', () => {
    const message = problemsOf({ PORT: 'x', ROLE: 'x', CRM_FILTER_INTERNAL: 'x' });
    expect(message?.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}PORT: /),
      expect.stringMatching(/^ {2}ROLE: /),
      expect.stringMatching(/^ {2}CRM_FILTER_INTERNAL: /),
    ]);
  });
});

describe('config › assertRunnable: what each role needs to start', () => {
  it.each([
    [
      'all',
      {},
      /WEBHOOK_VERIFICATION_TOKEN, RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT/,
    ],
    ['api', {}, /^Missing required setting: WEBHOOK_VERIFICATION_TOKEN /],
    ['worker', { RINGCENTRAL_CLIENT_ID: 'id' }, /settings: RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT /],
    ['all', credentials, undefined],
    ['api', { WEBHOOK_VERIFICATION_TOKEN: 'token' }, undefined],
    ['worker', { ...credentials, WEBHOOK_VERIFICATION_TOKEN: '' }, undefined],
  ])('ROLE=%s with %o › %s', (role, env, message) => {
    const check = () => assertRunnable(parseConfig({ ROLE: role, ...env }));
    if (message) expect(check).toThrow(message);
    else expect(check).not.toThrow();
  });
});
