import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Story } from '../calls/story.js';
import {
  QueueName,
  deliverJobIdPatterns,
  enrichJobId,
  type DeliverJobData,
  type EnrichJobData,
  type Queues,
} from '../queues.js';

/** The queues whose failed jobs are dead letters (maintenance failures are just logged and retried). */
export const deadLetterQueues = [QueueName.enrich, QueueName.deliver] as const;
export type DeadLetterQueue = (typeof deadLetterQueues)[number];

export interface DeadLetter {
  id: string;
  queue: DeadLetterQueue;
  telephonySessionId: string;
  adapter?: string;
  failedReason: string;
  attemptsMade: number;
  attempts: number;
  finishedOn?: string;
}

export interface ReplayResult {
  id: string;
  queue: DeadLetterQueue;
  telephonySessionId: string;
  adapter?: string;
}

/** Something an operator asked for cannot be done (unknown id, job not failed): say why. */
export class DeadLetterError extends Error {
  override name = 'DeadLetterError';
}

export type AnyJob = Job<EnrichJobData> | Job<DeliverJobData>;

interface Deps {
  queues: Pick<Queues, 'enrich' | 'deliver'>;
  story: Pick<Story, 'add'>;
  /** Reads the deliver queue's failed set: a call's dead letters are found whatever adapter they name. */
  redis: Pick<Redis, 'zscan'>;
}

/**
 * Dead letters are the failed jobs of `enrich` and `deliver`. Replaying one sends it back to waiting
 * with its attempts reset, so it gets a full retry schedule again; an enrich job also gets `replayedAt`
 * so the Call Log is searched for a whole window from now. Each replay is noted in the call's story.
 */
export function createDeadLetters({ queues, story, redis }: Deps) {
  const queueOf = (name: DeadLetterQueue) => (name === 'enrich' ? queues.enrich : queues.deliver);

  async function count(only?: DeadLetterQueue): Promise<Record<DeadLetterQueue, number>> {
    const result = { enrich: 0, deliver: 0 };
    for (const name of only ? [only] : deadLetterQueues)
      result[name] = await queueOf(name).getJobCountByTypes('failed');
    return result;
  }

  async function list(options: { queue?: DeadLetterQueue; limit?: number } = {}) {
    const limit = options.limit ?? 50;
    const names = options.queue ? [options.queue] : [...deadLetterQueues];
    const pages = await Promise.all(
      names.map(async (name) => {
        const jobs = (await queueOf(name).getJobs(['failed'], 0, limit - 1)) as AnyJob[];
        return jobs.filter(Boolean).map((job) => deadLetterOf(name, job));
      }),
    );
    const items = pages
      .flat()
      .sort((a, b) => (b.finishedOn ?? '').localeCompare(a.finishedOn ?? ''))
      .slice(0, limit);
    return { total: await count(options.queue), items };
  }

  /** Replay one dead letter by job id, or every dead letter of a call by its telephonySessionId. */
  async function replay(idOrCall: string): Promise<ReplayResult[]> {
    for (const name of deadLetterQueues) {
      const job = (await queueOf(name).getJob(idOrCall)) as AnyJob | undefined;
      if (job) return [await replayJob(name, job)];
    }
    // The adapter recorded on each dead letter counts, not this process's CRM_ADAPTER: the CLI may run
    // with other settings than the service, or the service's adapters may have changed since.
    const candidates: Array<[DeadLetterQueue, string]> = [
      ['enrich', enrichJobId(idOrCall)],
      ...(await failedDeliveryIds(idOrCall)).map((id): [DeadLetterQueue, string] => ['deliver', id]),
    ];
    const results: ReplayResult[] = [];
    for (const [name, id] of candidates) {
      const job = (await queueOf(name).getJob(id)) as AnyJob | undefined;
      // The id pattern matches by suffix: check the job is this call's, not one whose id ends the same way.
      if (!job || deadLetterOf(name, job).telephonySessionId !== idOrCall) continue;
      if ((await job.getState()) === 'failed') results.push(await replayJob(name, job));
    }
    if (results.length === 0)
      throw new DeadLetterError(
        `No dead letter "${idOrCall}": it is neither a failed job id nor a call with failed jobs (see \`rc-enrich dlq list\`)`,
      );
    return results;
  }

  /**
   * Replay every dead letter, oldest first, page by page. A job that fails again while this runs
   * is not replayed twice; `failed` lists what could not be replayed and why.
   */
  async function replayAll(options: { queue?: DeadLetterQueue; pageSize?: number } = {}) {
    const pageSize = options.pageSize ?? 200;
    const replayed: ReplayResult[] = [];
    const failed: Array<{ id: string; queue: DeadLetterQueue; reason: string }> = [];
    for (const name of options.queue ? [options.queue] : deadLetterQueues) {
      const queue = queueOf(name);
      const seen = new Set<string>();
      let offset = 0;
      for (;;) {
        const page = (
          (await queue.getJobs(['failed'], offset, offset + pageSize - 1, true)) as AnyJob[]
        ).filter(Boolean);
        if (page.length === 0) break;
        for (const job of page) {
          const id = job.id ?? '';
          if (seen.has(id)) {
            offset++; // replayed earlier in this run and failed again: still in the set, leave it
            continue;
          }
          seen.add(id);
          try {
            replayed.push(await replayJob(name, job));
          } catch (err) {
            offset++;
            failed.push({ id, queue: name, reason: err instanceof Error ? err.message : String(err) });
          }
        }
      }
    }
    return { replayed, failed };
  }

  /** Ids of the call's failed deliver-queue jobs (deliveries and updates), read from the failed set. */
  async function failedDeliveryIds(telephonySessionId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (const pattern of deliverJobIdPatterns(telephonySessionId)) {
      let cursor = '0';
      do {
        const [next, page] = await redis.zscan(
          queues.deliver.toKey('failed'),
          cursor,
          'MATCH',
          pattern,
          'COUNT',
          1000,
        );
        cursor = next;
        // ZSCAN pages alternate member and score.
        for (let i = 0; i < page.length; i += 2) ids.add(page[i]!);
      } while (cursor !== '0');
    }
    return [...ids];
  }

  async function replayJob(name: DeadLetterQueue, job: AnyJob): Promise<ReplayResult> {
    const state = await job.getState();
    if (state !== 'failed')
      throw new DeadLetterError(`Job ${job.id} in ${name} is ${state}, not a dead letter: nothing to replay`);
    const result = await prepareReplay(story, name, job, 'cli');
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return result;
  }

  return { count, list, replay, replayAll };
}

export type DeadLetters = ReturnType<typeof createDeadLetters>;

/**
 * What every replay does before the job is retried, whoever retries it (CLI or dashboard): note it in
 * the call's story first (so the story reads in order), and give an enrich job a fresh Call Log window.
 */
export async function prepareReplay(
  story: Pick<Story, 'add'>,
  name: DeadLetterQueue,
  job: AnyJob,
  via: 'cli' | 'dashboard',
): Promise<ReplayResult> {
  const { id, telephonySessionId, adapter } = deadLetterOf(name, job);
  await story.add(telephonySessionId, {
    step: 'replay',
    queue: name,
    jobId: id,
    via,
    ...(adapter ? { adapter } : {}),
  });
  if (name === 'enrich') {
    const enrichJob = job as Job<EnrichJobData>;
    // A fresh window with a fresh history: what the earlier runs saw says nothing about the new window.
    await enrichJob.updateData({ ...enrichJob.data, replayedAt: Date.now(), lookups: undefined });
  }
  return { id, queue: name, telephonySessionId, ...(adapter ? { adapter } : {}) };
}

function deadLetterOf(queue: DeadLetterQueue, job: AnyJob): DeadLetter {
  const data = job.data as Partial<EnrichJobData & DeliverJobData>;
  return {
    id: job.id ?? '',
    queue,
    telephonySessionId: data.call?.telephonySessionId ?? data.telephonySessionId ?? '',
    ...(data.adapter ? { adapter: data.adapter } : {}),
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    ...(job.finishedOn ? { finishedOn: new Date(job.finishedOn).toISOString() } : {}),
  };
}
