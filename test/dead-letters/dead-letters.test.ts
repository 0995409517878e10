import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { formatDeadLetters } from '../../src/dead-letters/format.js';
import { createDeadLetters, DeadLetterError } from '../../src/dead-letters/dead-letters.js';
import { monitoringFeature } from '../../src/monitoring/feature.js';
import { deliverJobId, enrichJobId } from '../../src/queues.js';
import { startPlayground, type Playground } from '../../src/demo/playground.js';
import type { RunningService } from '../../src/runtime.js';
import { eventually, testEnv } from '../helpers/config.js';
import { newTelephonySessionId } from '../helpers/notifications.js';
import { enrichedCall, startReceiver, webhookEnv, type Receiver } from '../monitoring/helpers.js';

let receiver: Receiver;
let playground: Playground;
let service: RunningService;

beforeEach(async () => {
  receiver = await startReceiver(500);
  playground = await startPlayground({
    overrides: testEnv({ ROLE: 'worker', ...webhookEnv(receiver.url) }),
    logger: createLogger('silent'),
    features: [monitoringFeature],
    start: 'started',
  });
  service = playground.service;
});

afterEach(async () => {
  await playground.close();
  await receiver.close();
});

const deadLetters = () =>
  createDeadLetters({
    queues: service.services.queues,
    story: service.services.story,
    redis: service.services.redis,
  });

/** A deliver job the real worker fails twice against the receiver (500), so it becomes a dead letter. */
async function deadDelivery(tsid = newTelephonySessionId()) {
  const { queues } = service.services;
  const id = deliverJobId('webhook', tsid);
  await queues.deliver.add(
    'deliver',
    { adapter: 'webhook', idempotencyKey: `809646016-${tsid}`, call: enrichedCall(tsid) },
    { jobId: id, attempts: 2, backoff: { type: 'crm' } },
  );
  await eventually(async () => (await queues.deliver.getJobState(id)) === 'failed');
  return { tsid, id };
}

/** An enrich job for a call whose state is gone: the real worker dead-letters it at once. */
async function deadEnrich(tsid = newTelephonySessionId()) {
  const { queues } = service.services;
  const id = enrichJobId(tsid);
  await queues.enrich.add('enrich', { telephonySessionId: tsid, accountId: '809646016' }, { jobId: id });
  await eventually(async () => (await queues.enrich.getJobState(id)) === 'failed');
  return { tsid, id };
}

describe('dlq › list', () => {
  it('lists the failed jobs of enrich and deliver with call, adapter, reason and attempts', async () => {
    const delivery = await deadDelivery();
    const enrich = await deadEnrich();
    const list = await deadLetters().list();
    expect(list.total).toEqual({ enrich: 1, deliver: 1 });
    expect(list.items).toHaveLength(2);
    expect(list.items.find((item) => item.queue === 'deliver')).toMatchObject({
      id: delivery.id,
      telephonySessionId: delivery.tsid,
      adapter: 'webhook',
      attemptsMade: 2,
      attempts: 2,
      failedReason: expect.stringContaining('500'),
      finishedOn: expect.stringMatching(/^\d{4}-/),
    });
    expect(list.items.find((item) => item.queue === 'enrich')).toMatchObject({
      id: enrich.id,
      telephonySessionId: enrich.tsid,
      failedReason: expect.stringContaining('No state left'),
    });
    const text = formatDeadLetters(list);
    expect(text).toContain(`${delivery.id}  call=${delivery.tsid}  adapter=webhook  attempts=2/2`);
    expect(text.split('\n').at(-1)).toBe('2 dead letter(s): enrich 1, deliver 1');
  });

  it('says so when there are none', async () => {
    expect(formatDeadLetters(await deadLetters().list())).toBe('No dead letters.');
  });
});

describe('dlq › replay', () => {
  it('replays a dead delivery into a successful one, with the same webhook-id and a fresh attempt count', async () => {
    const { tsid, id } = await deadDelivery();
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500]);
    receiver.answer(200);

    expect(await deadLetters().replay(id)).toEqual([
      { id, queue: 'deliver', telephonySessionId: tsid, adapter: 'webhook' },
    ]);
    const job = await eventually(async () => {
      const current = await service.services.queues.deliver.getJob(id);
      return (await current?.getState()) === 'completed' ? current : undefined;
    });
    expect(job?.attemptsMade).toBe(1);
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);

    const steps = (await service.services.story.list(tsid)).map(
      (e) => `${e.step}:${String(e.outcome ?? e.via)}`,
    );
    expect(steps).toEqual(['delivery:retry', 'delivery:dead-letter', 'replay:cli', 'delivery:delivered']);
    expect((await deadLetters().list()).total).toEqual({ enrich: 0, deliver: 0 });
  });

  it('gives a replayed enrich job replayedAt (a fresh Call Log window) before retrying it', async () => {
    const { tsid, id } = await deadEnrich();
    const before = Date.now();
    await deadLetters().replay(id);
    const job = await service.services.queues.enrich.getJob(id);
    expect(job?.data.replayedAt).toBeGreaterThanOrEqual(before);
    expect(job?.data.telephonySessionId).toBe(tsid);
    const story = await service.services.story.list(tsid);
    expect(story.at(-1)).toMatchObject({ step: 'replay', queue: 'enrich', jobId: id, via: 'cli' });
    // Still no call state, so the worker dead-letters it again, after one fresh attempt.
    await eventually(async () => (await service.services.queues.enrich.getJobState(id)) === 'failed');
  });

  it('replays every dead letter of a call given its telephonySessionId', async () => {
    const tsid = newTelephonySessionId();
    await deadDelivery(tsid);
    await deadEnrich(tsid);
    receiver.answer(200);
    const replayed = await deadLetters().replay(tsid);
    expect(replayed.map((r) => r.queue).sort()).toEqual(['deliver', 'enrich']);
  });

  it("finds a call's dead letters by the adapter recorded on each, whatever adapters this process runs", async () => {
    const tsid = newTelephonySessionId();
    const { queues } = service.services;
    // This worker runs only `webhook`: it dead-letters a job naming `hubspot` at once.
    const id = deliverJobId('hubspot', tsid);
    await queues.deliver.add(
      'deliver',
      { adapter: 'hubspot', idempotencyKey: `809646016-${tsid}`, call: enrichedCall(tsid) },
      { jobId: id, attempts: 1 },
    );
    await eventually(async () => (await queues.deliver.getJobState(id)) === 'failed');
    // A call whose id merely ends like this one's is not touched.
    const other = await deadDelivery(`x-${tsid}`);

    const replayed = await deadLetters().replay(tsid);
    expect(replayed).toEqual([{ id, queue: 'deliver', telephonySessionId: tsid, adapter: 'hubspot' }]);
    expect(await queues.deliver.getJobState(other.id)).toBe('failed');
  });

  it('refuses an unknown id and a job that is not failed, with a reason', async () => {
    await expect(deadLetters().replay('deliver-webhook-nope')).rejects.toThrow(DeadLetterError);
    const tsid = newTelephonySessionId();
    await service.services.queues.deliver.add(
      'deliver',
      { adapter: 'webhook', idempotencyKey: 'k', call: enrichedCall(tsid) },
      { jobId: deliverJobId('webhook', tsid), delay: 60_000 },
    );
    await expect(deadLetters().replay(deliverJobId('webhook', tsid))).rejects.toThrow(
      /is delayed, not a dead letter/,
    );
  });

  it('replays all dead letters of one queue and leaves the other alone', async () => {
    await deadDelivery();
    await deadDelivery();
    await deadEnrich();
    receiver.answer(200);
    const result = await deadLetters().replayAll({ queue: 'deliver' });
    expect(result.replayed).toHaveLength(2);
    expect(result.failed).toEqual([]);
    await eventually(
      async () => (await service.services.queues.deliver.getJobCounts('completed')).completed === 2,
    );
    expect((await deadLetters().count()).enrich).toBe(1);
  });
});
