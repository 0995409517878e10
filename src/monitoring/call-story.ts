import type { Job } from 'bullmq';
import type { CallMeta, CallState } from '../calls/call-state.js';
import type { Story, StoryEntry } from '../calls/story.js';
import { QueueName, deliverJobId, enrichJobId, type Queues } from '../queues.js';

export interface StoryJob {
  queue: 'enrich' | 'deliver';
  id: string;
  adapter?: string;
  state: string;
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  finishedOn?: string;
}

export interface CallStory {
  telephonySessionId: string;
  /** One line answering "where is my call?". */
  status: string;
  call: CallMeta | null;
  /** The call's story, oldest first: notifications, lookups, match, deliveries, replays. */
  entries: StoryEntry[];
  jobs: StoryJob[];
}

interface Deps {
  queues: Pick<Queues, 'enrich' | 'deliver'>;
  story: Pick<Story, 'list'>;
  callState: Pick<CallState, 'get'>;
  /** Configured adapters; adapters named in the story are looked up too. */
  adapters: string[];
}

/** Everything rc-enrich knows about one call, or null when it knows nothing (never seen, or expired). */
export async function loadCallStory(deps: Deps, telephonySessionId: string): Promise<CallStory | null> {
  const [call, story] = await Promise.all([
    deps.callState.get(telephonySessionId),
    deps.story.list(telephonySessionId),
  ]);
  const storyAdapters = story.flatMap((entry) => (typeof entry.adapter === 'string' ? [entry.adapter] : []));
  const adapters = [...new Set([...deps.adapters, ...storyAdapters])];
  const lookups: Array<Promise<StoryJob | null>> = [
    jobOf(deps.queues.enrich, QueueName.enrich, enrichJobId(telephonySessionId)),
    ...adapters.map((adapter) =>
      jobOf(deps.queues.deliver, QueueName.deliver, deliverJobId(adapter, telephonySessionId), adapter),
    ),
  ];
  const jobs = (await Promise.all(lookups)).filter((job): job is StoryJob => job !== null);
  if (!call && story.length === 0 && jobs.length === 0) return null;
  return { telephonySessionId, status: statusOf(call, jobs), call, entries: withEnd(call, story), jobs };
}

async function jobOf(
  queue: Queues['enrich'] | Queues['deliver'],
  name: StoryJob['queue'],
  id: string,
  adapter?: string,
): Promise<StoryJob | null> {
  const job = (await queue.getJob(id)) as Job | undefined;
  if (!job) return null;
  const state = await job.getState();
  return {
    queue: name,
    id,
    ...(adapter ? { adapter } : {}),
    state,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    // BullMQ keeps the last error after a later success; it only matters while the job is not done.
    ...(job.failedReason && state !== 'completed' ? { failedReason: job.failedReason } : {}),
    ...(job.finishedOn ? { finishedOn: new Date(job.finishedOn).toISOString() } : {}),
  };
}

/** The end of a call is a fact of its state; show it in the story where it happened. */
function withEnd(call: CallMeta | null, story: StoryEntry[]): StoryEntry[] {
  if (!call?.endedAt || story.some((entry) => entry.step === 'ended')) return story;
  const ended: StoryEntry = {
    at: new Date(call.endedAt).toISOString(),
    step: 'ended',
    reason: call.endReason,
  };
  return [...story, ended].sort((a, b) => a.at.localeCompare(b.at));
}

function statusOf(call: CallMeta | null, jobs: StoryJob[]): string {
  const deliveries = jobs.filter((job) => job.queue === 'deliver');
  const enrich = jobs.find((job) => job.queue === 'enrich');
  const dead = jobs.filter((job) => job.state === 'failed');
  if (dead.length > 0)
    return `dead letter: ${dead.map((job) => `${job.adapter ?? job.queue} (${job.failedReason ?? 'failed'})`).join('; ')}; replay with \`rc-enrich dlq replay ${call?.telephonySessionId ?? dead[0]!.id}\``;
  if (deliveries.length > 0) {
    const done = deliveries.filter((job) => job.state === 'completed').map((job) => job.adapter);
    const pending = deliveries
      .filter((job) => job.state !== 'completed')
      .map((job) => `${job.adapter} (${job.state})`);
    return [
      ...(done.length > 0 ? [`delivered to ${done.join(', ')}`] : []),
      ...(pending.length > 0 ? [`delivering to ${pending.join(', ')}`] : []),
    ].join('; ');
  }
  if (call && call.endedAt === undefined) return 'call in progress: waiting for it to end';
  if (call?.doneAt) return 'enriched; no delivery job left (delivered and expired, or removed)';
  if (enrich) return `looking up the call record (enrich job ${enrich.state})`;
  if (call) return 'call ended; no lookup scheduled yet';
  return 'no call state left (expired); only its history remains';
}
