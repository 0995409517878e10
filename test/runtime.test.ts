import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/infra/logger.js';
import { startService, type RunningService } from '../src/runtime.js';
import { cleanupPrefix, testConfig } from './helpers/config.js';

let service: RunningService | undefined;

afterEach(async () => {
  await service?.close();
  if (service) await cleanupPrefix(service.config.queuePrefix);
  service = undefined;
});

const start = async (role: string) => {
  // No RingCentral reachable at this address: a role that talks to it at start would fail or hang.
  const config = testConfig({ ROLE: role, RINGCENTRAL_SERVER_URL: 'http://127.0.0.1:9' });
  service = await startService(config, createLogger('silent'));
  return service;
};

describe('runtime › shaped by ROLE', () => {
  it('api: receives webhooks, runs no workers and builds no RingCentral client', async () => {
    const { app, workers, ringcentral } = await start('api');
    expect(workers).toBeUndefined();
    expect(ringcentral).toBeUndefined();
    const response = await app.inject({ method: 'POST', url: '/webhooks/ringcentral', payload: {} });
    expect(response.statusCode).toBe(401);
  });

  it('worker: runs the workers and has no webhook route', async () => {
    const { app, workers, ringcentral } = await start('worker');
    expect(workers?.running()).toBe(true);
    expect(ringcentral).toBeDefined();
    const response = await app.inject({ method: 'POST', url: '/webhooks/ringcentral', payload: {} });
    expect(response.statusCode).toBe(404);
    expect((await app.inject({ url: '/health/ready' })).json().checks.workers).toBe('running');
  });

  it('closes what it opened: after close() the workers are stopped', async () => {
    const running = await start('all');
    await running.close();
    service = undefined;
    expect(running.workers?.running()).toBe(false);
    await cleanupPrefix(running.config.queuePrefix);
  });

  it('two features declaring one maintenance job stop the start with both named', async () => {
    const config = testConfig({ ROLE: 'worker' });
    const feature = (name: string) => () => ({
      name,
      maintenance: [{ name: 'check', handler: async () => undefined }],
    });
    await expect(
      startService(config, createLogger('silent'), { features: [feature('one'), feature('two')] }),
    ).rejects.toThrow('Maintenance job "check" is declared by both the one and the two feature');
    await cleanupPrefix(config.queuePrefix);
  });
});
