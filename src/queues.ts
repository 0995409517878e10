import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { EnrichedCall } from './calls/types.js';
import type { LookupHistory } from './enrich/history.js';
import type { CallChange } from './late-data/decide.js';
import { hashTag } from './infra/keys.js';

export const QueueName = {
  enrich: 'enrich',
  deliver: 'deliver',
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const allQueueNames: QueueName[] = Object.values(QueueName);

/** One enrich job per call: small on purpose, the call's state lives in Redis (calls/call-state.ts). */
export interface EnrichJobData {
  telephonySessionId: string;
  accountId: string;
  /** Set by `rc-enrich dlq replay`: the Call Log is tried again for a full window from this time. */
  replayedAt?: number;
  /** What earlier runs of the job saw in each source (enrich/history.ts). */
  lookups?: LookupHistory;
}

/**
 * One deliver job per call and adapter, carrying the whole enriched call. Jobs named `update` carry
 * what the call gained after it was delivered (`changes`) and go to the adapter's `update()`.
 */
export interface DeliverJobData {
  adapter: string;
  idempotencyKey: string;
  call: EnrichedCall;
  changes?: CallChange[];
}

// BullMQ job ids may not contain ':' and may not be all digits. Percent-escaping (of '%' itself first)
// keeps the mapping one-to-one, so two calls never share a job id (`a:1` and `a_1` stay apart); the
// adapter part also escapes '-', the separator, so `deliver-<adapter>-<call>` splits only one way.
const escapeId = (value: string, reserved: RegExp) =>
  value.replace(reserved, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const callPart = (telephonySessionId: string) => escapeId(telephonySessionId, /[%:]/g);
export const enrichJobId = (telephonySessionId: string) => `call-${callPart(telephonySessionId)}`;
export const deliverJobId = (adapter: string, telephonySessionId: string) =>
  `deliver-${escapeId(adapter, /[%:-]/g)}-${callPart(telephonySessionId)}`;
/** An update of a delivered call (late data); `what` names the changes, e.g. `recording`. */
export const updateJobId = (adapter: string, telephonySessionId: string, what: string) =>
  `update-${escapeId(adapter, /[%:-]/g)}-${callPart(telephonySessionId)}-${escapeId(what, /[%:-]/g)}`;
/** Redis globs matching the deliver-queue job ids of one call (deliveries and updates), whatever the adapter. */
export const deliverJobIdPatterns = (telephonySessionId: string) => {
  const call = callPart(telephonySessionId).replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return [`deliver-*-${call}`, `update-*-${call}-*`];
};

const day = 24 * 3600;
/** Everything that can grow has a bound: finished jobs are kept long enough to dedupe and to inspect. */
export const defaultJobOptions: Record<QueueName, DefaultJobOptions> = {
  enrich: {
    // Retries here are for our own failures (e.g. Redis hiccups); waiting for RingCentral uses delays.
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: day, count: 50_000 },
    removeOnFail: { age: 30 * day, count: 50_000 },
  },
  deliver: {
    removeOnComplete: { age: day, count: 50_000 },
    // Failed deliver jobs are the dead letters: kept for a month for `rc-enrich dlq replay`.
    removeOnFail: { age: 30 * day, count: 100_000 },
  },
  maintenance: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 500 },
  },
};

export function createQueues(connection: ConnectionOptions, queuePrefix: string) {
  const prefix = hashTag(queuePrefix);
  const make = <T>(name: QueueName) =>
    new Queue<T>(name, { connection, prefix, defaultJobOptions: defaultJobOptions[name] });
  return {
    enrich: make<EnrichJobData>(QueueName.enrich),
    deliver: make<DeliverJobData>(QueueName.deliver),
    maintenance: make<Record<string, unknown>>(QueueName.maintenance),
    async close() {
      await Promise.all([this.enrich.close(), this.deliver.close(), this.maintenance.close()]);
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;
