import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/demo/playground.js';
import type { FakeCall } from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { formatCallStory } from '../../src/monitoring/call-story-format.js';
import { loadCallStory } from '../../src/monitoring/call-story.js';
import type { RunningService } from '../../src/runtime.js';
import { eventually, testEnv } from '../helpers/config.js';
import { sample, startReceiver, webhookEnv, type Receiver } from '../monitoring/helpers.js';

const token = 'test-verification-token';
let playground: Playground;
let receiver: Receiver;
let service: RunningService;
let call: FakeCall;
let metrics: string;

const scrape = async () => (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
const post = (payload: unknown, verificationToken = token) =>
  service.app.inject({
    method: 'POST',
    url: '/webhooks/ringcentral',
    headers: { 'content-type': 'application/json', 'verification-token': verificationToken },
    payload: JSON.stringify(payload),
  });

// One real run: the fake RingCentral platform, the whole service (api + workers, default features),
// a CRM webhook receiver that is down for the first attempt. Then /metrics must tell that story.
beforeAll(async () => {
  receiver = await startReceiver(500, 200);
  playground = await startPlayground({
    overrides: testEnv({
      WEBHOOK_VERIFICATION_TOKEN: token,
      ADMIN_PASSWORD: 'metrics-test',
      ...webhookEnv(receiver.url),
    }),
    fake: { deliverNotifications: false, activeCallsVisibilityMs: [50, 150] },
    logger: createLogger('silent'),
    start: 'started',
  });
  service = playground.service;

  call = await playground.fake.calls.play({ recorded: true });
  for (const envelope of call.notifications) expect((await post(envelope)).statusCode).toBe(200);
  expect((await post(call.notifications[0])).statusCode).toBe(200); // a redelivery
  expect((await post(call.notifications[0], 'wrong-token')).statusCode).toBe(403);

  await eventually(async () => receiver.requests.some((request) => request.status === 200), 15_000);
  metrics = await eventually(async () => {
    const text = await scrape();
    // The job's duration is observed after its processor returned, a moment after the delivery counts.
    const delivered =
      sample(text, 'rc_enrich_call_end_to_delivery_seconds_count', { adapter: 'webhook' }) === 1 &&
      sample(text, 'rc_enrich_job_duration_seconds_count', { queue: 'deliver' }) === 2;
    return delivered && text;
  });
});

afterAll(async () => {
  await playground?.close();
  await receiver?.close();
});

describe('metrics › after an end-to-end run', () => {
  it('counts webhook requests by outcome', () => {
    const accepted = sample(metrics, 'rc_enrich_webhook_requests_total', { outcome: 'accepted' });
    expect(accepted).toBe(call.notifications.length);
    expect(sample(metrics, 'rc_enrich_webhook_requests_total', { outcome: 'duplicate' })).toBe(1);
    expect(sample(metrics, 'rc_enrich_webhook_requests_total', { outcome: 'unauthorized' })).toBe(1);
  });

  it('counts the call enriched from Active Calls and the RingCentral requests it took', () => {
    expect(sample(metrics, 'rc_enrich_calls_enriched_total', { source: 'active-calls' })).toBe(1);
    expect(
      sample(metrics, 'rc_enrich_ringcentral_requests_total', { group: 'Heavy', status: '200' }),
    ).toBeGreaterThan(0);
    expect(
      sample(metrics, 'rc_enrich_ringcentral_budget_remaining', { group: 'Heavy' }),
    ).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'rc_enrich_calls_dead_lettered_total', { stage: 'deliver' })).toBeUndefined();
  });

  it('counts the failed then successful CRM delivery and observes end-to-end latency', () => {
    expect(sample(metrics, 'rc_enrich_crm_deliveries_total', { adapter: 'webhook', outcome: 'retry' })).toBe(
      1,
    );
    expect(
      sample(metrics, 'rc_enrich_crm_deliveries_total', { adapter: 'webhook', outcome: 'delivered' }),
    ).toBe(1);
    const sum = sample(metrics, 'rc_enrich_call_end_to_delivery_seconds_sum', { adapter: 'webhook' });
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(30);
    expect(
      sample(metrics, 'rc_enrich_call_end_to_delivery_seconds_bucket', { adapter: 'webhook', le: '+Inf' }),
    ).toBe(1);
  });

  it('reports job durations, queue depth by state, and process metrics', () => {
    expect(sample(metrics, 'rc_enrich_job_duration_seconds_count', { queue: 'enrich' })).toBeGreaterThan(0);
    expect(sample(metrics, 'rc_enrich_job_duration_seconds_count', { queue: 'deliver' })).toBe(2);
    expect(sample(metrics, 'rc_enrich_queue_jobs', { queue: 'enrich', state: 'completed' })).toBe(1);
    expect(sample(metrics, 'rc_enrich_queue_jobs', { queue: 'deliver', state: 'completed' })).toBe(1);
    expect(sample(metrics, 'rc_enrich_queue_jobs', { queue: 'deliver', state: 'failed' })).toBe(0);
    expect(
      sample(metrics, 'rc_enrich_queue_jobs', { queue: 'maintenance', state: 'delayed' }),
    ).toBeGreaterThan(0);
    expect(sample(metrics, 'rc_enrich_queue_paused', { queue: 'deliver' })).toBe(0);
    expect(sample(metrics, 'rc_enrich_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(metrics, 'rc_enrich_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('is valid exposition: one HELP and TYPE per family, every family named rc_enrich_*', () => {
    const types = metrics.split('\n').filter((line) => line.startsWith('# TYPE '));
    const names = types.map((line) => line.split(' ')[2]!);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => name.startsWith('rc_enrich_'))).toBe(true);
  });
});

describe('call story › after an end-to-end run', () => {
  it("tells the call's story: notifications, lookup, match, both delivery attempts, jobs", async () => {
    const { services } = service;
    const story = await loadCallStory({ ...services, adapters: ['webhook'] }, call.telephonySessionId);
    expect(story?.status).toBe('delivered to webhook');
    const steps = story!.entries.map((entry) => entry.step);
    expect(steps.filter((step) => step === 'notification')).toHaveLength(call.notifications.length);
    expect(steps).toContain('ended');
    expect(steps.slice(-4)).toEqual(['lookup', 'matched', 'delivery', 'delivery']);
    expect(story!.jobs.map((job) => `${job.queue}:${job.state}`)).toEqual([
      'enrich:completed',
      'deliver:completed',
    ]);

    const text = formatCallStory(story!);
    expect(text).toContain(`Call ${call.telephonySessionId}`);
    expect(text).toContain('Status: delivered to webhook');
    expect(text).toMatch(/lookup\s+active-calls: matched/);
    expect(text).toMatch(/matched\s+record found via active-calls, 1 record\(s\)/);
    expect(text).toMatch(/delivery\s+webhook attempt 1: retry - webhook: the receiver answered 500/);
    expect(text).toMatch(/delivery\s+webhook attempt 2: delivered/);
    expect(text).toMatch(/deliver\s+deliver-webhook-\S+\s+completed\s+attempts=2\/25/);
  });
});
