import { UnrecoverableError, type Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { features } from '../../src/features.js';
import { createLogger } from '../../src/infra/logger.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { cleanupPrefix, eventually, testConfig } from '../helpers/config.js';

let service: RunningService | undefined;
afterEach(async () => {
  await service?.close();
  if (service) await cleanupPrefix(service.config.queuePrefix);
  service = undefined;
});

describe('dashboard › a scheduled check that failed once and works again', () => {
  it('is no longer counted as failed once a later run succeeds', async () => {
    let runs = 0;
    const flaky = async (job: Job) => {
      runs += 1;
      if (runs === 1) throw new UnrecoverableError(`login refused at start-up (${job.name})`);
      return 'ok';
    };
    service = await startService(testConfig({ ROLE: 'worker' }), createLogger('silent'), {
      features: [
        ...features,
        () => ({ name: 'flaky', maintenance: [{ name: 'flaky-check', handler: flaky, everyMs: 300 }] }),
      ],
    });
    const maintenance = service.services.queues.maintenance;
    const failedChecks = async () =>
      (await maintenance.getJobs(['failed'])).filter((job) => job?.name === 'flaky-check').length;

    expect(await eventually(async () => (await failedChecks()) === 1)).toBe(true);
    expect(await eventually(async () => runs >= 2 && (await failedChecks()) === 0)).toBe(true);
  });
});
