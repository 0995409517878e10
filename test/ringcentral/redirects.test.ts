import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.js';
import { createFakeRingCentral, type FakeRingCentral } from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { createServices, type Services } from '../../src/services.js';
import { cleanupPrefix, testConfig } from '../helpers/config.js';

let fake: FakeRingCentral | undefined;
let services: Services | undefined;
let prefix: string | undefined;
let elsewhere: Server | undefined;
afterEach(async () => {
  await services?.close();
  if (prefix) await cleanupPrefix(prefix);
  await fake?.close();
  await new Promise((resolve) => (elsewhere ? elsewhere.close(resolve) : resolve(undefined)));
  services = fake = elsewhere = prefix = undefined;
});

/** The service's RingCentral client against `serverUrl`, on its own Redis prefix. */
async function clientFor(serverUrl: string) {
  const config = testConfig({ RINGCENTRAL_SERVER_URL: serverUrl });
  prefix = config.queuePrefix;
  services = await createServices(config, createLogger('silent'));
  return createRingCentralClient({
    config: config.ringcentral,
    redis: services.workerRedis,
    keys: services.keys,
    logger: createLogger('silent'),
    metrics: createMetrics({ defaultMetrics: false }),
  });
}

describe('RingCentral client › redirects', () => {
  it('a redirect to a host that is not RingCentral is refused, and that host never hears from us', async () => {
    const received: string[] = [];
    elsewhere = createServer((req, res) => {
      received.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? 'none'}`);
      res.end('{"records":[]}');
    });
    await new Promise<void>((resolve) => elsewhere!.listen(0, '127.0.0.2', resolve));
    const target = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}/steal`;

    fake = createFakeRingCentral();
    await fake.listen(0, '127.0.0.1');
    const ringcentral = await clientFor(fake.url);
    fake.faults.failNext({ path: /\/account\/[^/]+$/, status: 302, headers: { location: target } });
    const attempt = ringcentral.request({ path: '/restapi/v1.0/account/~', group: 'Light' });
    await expect(attempt).rejects.toBeInstanceOf(PermanentError);
    await expect(attempt).rejects.toThrow(/not a trusted RingCentral host/);
    expect(received).toEqual([]);
  });

  it('a redirect within the RingCentral server is followed', async () => {
    fake = createFakeRingCentral();
    await fake.listen(0, '127.0.0.1');
    const ringcentral = await clientFor(fake.url);
    fake.faults.failNext({
      path: '/restapi/v1.0/account/old',
      status: 301,
      headers: { location: '/restapi/v1.0/account/~' },
    });
    const response = await ringcentral.request<{ id: string }>({
      path: '/restapi/v1.0/account/old',
      group: 'Light',
    });
    expect(response.data.id).toBe(fake.accountId);
  });
});
