import { afterEach, describe, expect, it } from 'vitest';
import { enrichJobId } from '../../src/queues.js';
import { eventually } from '../helpers/config.js';
import { deliveredCalls, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('RingCentral failures › not "not found"', () => {
  it('a RingCentral outage past the windows: retried for a bounded time, the story says why, dead-lettered, never delivered as not found', async () => {
    stack = await startStack({
      env: {
        ENRICH_ACTIVE_WINDOW_MS: '300',
        ENRICH_CALL_LOG_WINDOW_MS: '600',
        ENRICH_UNAVAILABLE_RETRY_MS: '1500',
      },
    });
    stack.fake.faults.failNext({
      path: /\/(active-calls|call-log)$/,
      status: 503,
      times: 1_000,
      headers: { 'retry-after': '1' },
    });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    const stories = stack.services[0]!.services.story;
    const deadLetter = await eventually(
      async () => (await stories.list(call.telephonySessionId)).find((entry) => entry.step === 'dead-letter'),
      15_000,
    );
    expect(String(deadLetter.error)).toMatch(/RingCentral failed all \d+ Call Log lookups/);
    const story = await stories.list(call.telephonySessionId);
    expect(story.some((entry) => entry.step === 'not-found')).toBe(false);
    expect(
      story.filter((entry) => entry.step === 'lookup' && entry.result === 'failed').length,
    ).toBeGreaterThan(0);
    expect(String(story.find((entry) => entry.result === 'failed')?.error)).toMatch(/503/);
    expect(deliveredCalls(stack.crm).has(call.telephonySessionId)).toBe(false);
    const metrics = (await stack.services[0]!.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rc_enrich_calls_dead_lettered_total{stage="enrich"} 1');
  });

  it('401 answers cost no retry attempt: the job waits, logs in again, and the call is delivered', async () => {
    stack = await startStack();
    // More 401s than the SDK's own single re-login can absorb within one request.
    stack.fake.faults.failNext({ path: /\/active-calls$/, status: 401, times: 3 });
    const call = await stack.fake.calls.play({ talkMs: 50 });
    await eventually(async () => deliveredCalls(stack!.crm).get(call.telephonySessionId), 20_000);
    const job = await stack.services[0]!.services.queues.enrich.getJob(enrichJobId(call.telephonySessionId));
    // No attempt failed: a failed one leaves its stack trace on the job.
    expect(job?.stacktrace).toEqual([]);
  });
});
