import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseAdapterSettings, Secret, secret } from '../../src/adapters/settings.js';
import { ConfigError } from '../../src/config.js';
import { captureLogger } from './support.js';

describe('adapter settings › Secret', () => {
  const token = new Secret('pat-na1-very-secret');

  it('is readable by the adapter and [redacted] everywhere else', () => {
    expect(token.reveal()).toBe('pat-na1-very-secret');
    expect(JSON.stringify({ token })).toBe('{"token":"[redacted]"}');
    expect(`${token}`).toBe('[redacted]');
    expect(inspect({ token })).not.toContain('very-secret');
  });

  it('a settings object logged by mistake › no secret in the log', () => {
    const { logger, output } = captureLogger();
    logger.info({ settings: { baseUrl: 'https://api.hubapi.com', credential: token } }, 'settings');
    expect(output()).toContain('[redacted]');
    expect(output()).not.toContain('very-secret');
  });
});

describe('adapter settings › parseAdapterSettings', () => {
  const schema = z.object({ ACME_TOKEN: secret(), ACME_RETRIES: z.coerce.number().int().default(3) });

  it('blank values count as unset; the message names the variable and says what to put there', () => {
    const parse = () =>
      parseAdapterSettings('acme', schema, { ACME_TOKEN: '   ' }, { ACME_TOKEN: 'Acme → Settings → API' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(
      'CRM adapter "acme" is not configured:\n  ACME_TOKEN is required (Acme → Settings → API)',
    );
  });

  it('every problem is listed, and other variables are ignored', () => {
    const parse = () => parseAdapterSettings('acme', schema, { ACME_RETRIES: 'many', PATH: '/usr/bin' });
    expect(parse).toThrow(/ACME_TOKEN is required\n {2}ACME_RETRIES: /);
  });

  it('valid settings › parsed, defaults applied', () => {
    const settings = parseAdapterSettings('acme', schema, { ACME_TOKEN: 't' });
    expect(settings.ACME_RETRIES).toBe(3);
    expect(settings.ACME_TOKEN.reveal()).toBe('t');
  });
});
