import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EnrichedCall, RingCentralCallRecord } from '../calls/types.js';
import type { Story } from '../calls/story.js';
import { idempotencyKeyFor } from '../deliver/idempotency.js';
import type { Keys } from '../infra/keys.js';
import type { Metrics } from '../infra/metrics.js';
import { updateJobId, type Queues } from '../queues.js';
import type { RingCentralClient } from '../ringcentral/client.js';
import {
  callLogRange,
  decideLateData,
  lateDataWanted,
  type CallChange,
  type LateDataWatch,
} from './decide.js';

export const LATE_DATA_JOB = 'check-late-data';
/** At most this many watches are settled per Call Log read (one page of RingCentral's 1000). */
const batch = 200;

interface Deps {
  redis: Redis;
  keys: Keys;
  queues: Pick<Queues, 'deliver'>;
  ringcentral: Pick<RingCentralClient, 'request'>;
  story: Pick<Story, 'add'>;
  metrics: Pick<Metrics, 'recordingFailures'>;
  logger: Logger;
  deliveryAttempts: number;
  /** How often the watch list is read (LATE_DATA_CHECK_INTERVAL_MS); each read with work is one Heavy request. */
  intervalMs: number;
}

/**
 * Calls that reached a CRM before all their data existed (a recording RingCentral was still
 * processing, or a call delivered from notifications alone) are watched, and the Call Log is read for
 * them in one coalesced, background-priority request a minute. What arrives becomes an `update`
 * delivery to the adapter that has the call, never a second record.
 */
export function createLateDataWatcher(deps: Deps) {
  const { redis, keys } = deps;
  const member = (adapter: string, tsid: string) => `${adapter}|${tsid}`;

  async function save(watch: LateDataWatch, nextCheckAt: number): Promise<void> {
    const id = member(watch.adapter, watch.telephonySessionId);
    await redis
      .multi()
      .hset(keys.lateDataWatch(), id, JSON.stringify(watch))
      .zadd(keys.lateData(), String(nextCheckAt), id)
      // Bounded even if the check job stops running: watches end within an hour anyway.
      .expire(keys.lateDataWatch(), 7 * 24 * 3600)
      .expire(keys.lateData(), 7 * 24 * 3600)
      .exec();
  }

  async function drop(id: string): Promise<void> {
    await redis.multi().zrem(keys.lateData(), id).hdel(keys.lateDataWatch(), id).exec();
  }

  async function readCallLog(accountId: string, watches: LateDataWatch[]): Promise<RingCentralCallRecord[]> {
    const { data } = await deps.ringcentral.request<{ records?: RingCentralCallRecord[] }>({
      path: `/restapi/v1.0/account/${encodeURIComponent(accountId)}/call-log`,
      query: { ...callLogRange(watches), view: 'Detailed', perPage: 1000 },
      group: 'Heavy',
      priority: 'background',
    });
    return data.records ?? [];
  }

  async function enqueueUpdate(watch: LateDataWatch, call: EnrichedCall, changes: CallChange[]) {
    const callKey = idempotencyKeyFor(call.accountId, call.telephonySessionId);
    const what = changes.join('+');
    await deps.queues.deliver.add(
      'update',
      { adapter: watch.adapter, idempotencyKey: callKey, call, changes },
      {
        jobId: updateJobId(watch.adapter, call.telephonySessionId, what),
        attempts: deps.deliveryAttempts,
        backoff: { type: 'crm' },
      },
    );
  }

  return {
    /** After a delivery: watch the call if it may still gain a recording or RingCentral's record. */
    async watch(call: EnrichedCall, adapter: string, now = Date.now()): Promise<void> {
      const wants = lateDataWanted(call);
      if (!wants) return;
      const watch: LateDataWatch = {
        telephonySessionId: call.telephonySessionId,
        accountId: call.accountId,
        adapter,
        wants,
        call,
        since: now,
        misses: 0,
      };
      await save(watch, now + deps.intervalMs);
      await deps.story.add(call.telephonySessionId, {
        step: 'recording',
        adapter,
        state: wants === 'recording' ? 'awaiting-recording' : 'awaiting-call-log',
      });
    },

    /** The scheduled job: settle every due watch with one Call Log read per account. */
    async check(now = Date.now()): Promise<{ due: number; updates: number }> {
      const ids = await redis.zrangebyscore(keys.lateData(), '-inf', String(now), 'LIMIT', 0, batch);
      if (ids.length === 0) return { due: 0, updates: 0 };
      const raw = await redis.hmget(keys.lateDataWatch(), ...ids);
      const watches: LateDataWatch[] = [];
      for (const [index, text] of raw.entries()) {
        if (text) watches.push(JSON.parse(text) as LateDataWatch);
        else await drop(ids[index]!);
      }
      let updates = 0;
      const accounts = new Set(watches.map((watch) => watch.accountId));
      for (const accountId of accounts) {
        const mine = watches.filter((watch) => watch.accountId === accountId);
        // Throws (the job is retried) when RingCentral fails: nothing is decided on a failed read.
        const records = await readCallLog(accountId, mine);
        for (const watch of mine) {
          const id = member(watch.adapter, watch.telephonySessionId);
          const found = records.filter((record) => record.telephonySessionId === watch.telephonySessionId);
          const verdict = decideLateData(watch, found, now, deps.intervalMs);
          if (verdict.kind === 'update') {
            await enqueueUpdate(watch, verdict.call, verdict.changes);
            await drop(id);
            updates++;
            await deps.story.add(watch.telephonySessionId, {
              step: 'recording',
              adapter: watch.adapter,
              state: 'update-queued',
              changes: verdict.changes,
            });
          } else if (verdict.kind === 'wait') {
            await save({ ...watch, misses: watch.misses + 1 }, verdict.nextCheckAt);
          } else {
            await drop(id);
            deps.metrics.recordingFailures.inc({ stage: 'update' });
            deps.logger.info(
              { telephonySessionId: watch.telephonySessionId, adapter: watch.adapter },
              `late data: ${verdict.reason}`,
            );
            await deps.story.add(watch.telephonySessionId, {
              step: 'recording',
              adapter: watch.adapter,
              state: 'gave-up',
              reason: verdict.reason,
            });
          }
        }
      }
      return { due: watches.length, updates };
    },
  };
}

export type LateDataWatcher = ReturnType<typeof createLateDataWatcher>;
