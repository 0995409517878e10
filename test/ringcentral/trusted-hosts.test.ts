import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.js';
import { createTrustedHosts } from '../../src/ringcentral/trusted-hosts.js';

describe('trusted hosts › where the bearer token may go', () => {
  const production = createTrustedHosts('https://platform.ringcentral.com');

  it('allows API paths and RingCentral platform and media URLs, with or without :443', () => {
    expect(production.assert('/restapi/v1.0/account/~/active-calls')).toBe(
      '/restapi/v1.0/account/~/active-calls',
    );
    expect(
      production.assert('https://media.ringcentral.com:443/restapi/v1.0/account/1/recording/2/content'),
    ).toContain('media.ringcentral.com');
    expect(
      production.assert('https://platform.ringcentral.com/restapi/v1.0/account/1/recording/2'),
    ).toContain('platform');
  });

  it('refuses any other host, look-alikes included', () => {
    for (const url of [
      'https://evil.example.com/restapi/v1.0/x',
      'https://media.ringcentral.com.evil.example/x',
      'http://media.ringcentral.com/x',
      'ftp://platform.ringcentral.com/x',
    ]) {
      expect(() => production.assert(url), url).toThrow(PermanentError);
    }
  });

  it('trusts only the configured server for a custom server URL', () => {
    const local = createTrustedHosts('http://127.0.0.1:4010');
    expect(local.assert('http://127.0.0.1:4010/restapi/v1.0/x')).toContain('127.0.0.1');
    expect(() => local.assert('http://localhost:4010/x')).toThrow(/Refusing to send the RingCentral token/);
  });
});
