import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', stream), text: () => lines.join('') };
}

describe('logger › secrets never reach the logs', () => {
  it('redacts tokens, passwords and secret settings wherever they appear', () => {
    const { logger, text } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer rc-token-1', 'verification-token': 'vt-secret-2' } },
        auth: { access_token: 'access-3', refresh_token: 'refresh-4' },
        config: {
          env: { RINGCENTRAL_JWT: 'jwt-5', CRM_WEBHOOK_SECRET: 'whsec_6', HUBSPOT_ACCESS_TOKEN: 'pat-7' },
        },
        admin: { password: 'hunter8' },
      },
      'something happened',
    );
    const output = text();
    expect(output).toContain('something happened');
    for (const secret of [
      'rc-token-1',
      'vt-secret-2',
      'access-3',
      'refresh-4',
      'jwt-5',
      'whsec_6',
      'pat-7',
      'hunter8',
    ]) {
      expect(output, secret).not.toContain(secret);
    }
  });
});
