import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogThrottle } from '../../src/infra/log-safety.js';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('log throttle', () => {
  it('lets one line per key through per interval and reports how many it held back', () => {
    let t = 0;
    const throttle = createLogThrottle(1_000, () => t);
    const emitted: Array<[string, number]> = [];
    for (let i = 0; i < 10; i++) throttle('redis', (n) => emitted.push(['redis', n]));
    throttle('other', (n) => emitted.push(['other', n]));
    t = 1_000;
    throttle('redis', (n) => emitted.push(['redis', n]));
    expect(emitted).toEqual([
      ['redis', 0],
      ['other', 0],
      ['redis', 9],
    ]);
  });
});

describe('error logs › no call data, no flood', () => {
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.close();
    if (service) await cleanupPrefix(service.config.queuePrefix);
  });

  it('a Redis error on the webhook path logs neither phone numbers nor names, once for 20 failures', async () => {
    const { logger, lines } = capture();
    service = await startService(testConfig({ ROLE: 'api' }), logger, { features: [] });
    const { services, app } = service;
    const tsid = newTelephonySessionId();
    // The call's story key holds the wrong type: every notification of this call fails inside Redis.
    await services.redis.set(services.keys.callStory(tsid), 'not a list');
    for (let i = 0; i < 20; i++) {
      const notification = telephonyNotification({
        telephonySessionId: tsid,
        sequence: i + 2,
        party: { id: 'p-1', status: 'Answered' },
      });
      notification.body.parties[0]!.from = { phoneNumber: '+14083388064', name: 'Alice Caller' } as never;
      const response = await app.inject({
        method: 'POST',
        url: '/webhooks/ringcentral',
        headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
        payload: JSON.stringify(notification),
      });
      expect(response.statusCode).toBe(503);
    }
    const failures = lines.filter((line) => line.includes('request failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('WRONGTYPE');
    const all = lines.join('');
    expect(all).not.toContain('14083388064');
    expect(all).not.toContain('Alice Caller');
  });
});
