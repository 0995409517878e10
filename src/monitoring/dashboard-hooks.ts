import type { createBullBoard } from '@bull-board/api';
import type { Story } from '../calls/story.js';
import type { Queues } from '../queues.js';
import {
  deadLetterQueues,
  prepareReplay,
  type AnyJob,
  type DeadLetterQueue,
} from '../dead-letters/dead-letters.js';

type BoardHooks = NonNullable<NonNullable<Parameters<typeof createBullBoard>[0]['options']>['handlerHooks']>;

const retryOne = '/api/queues/:queueName/:jobId/retry';
const retryAll = '/api/queues/:queueName/retry/:queueStatus';

/**
 * The dashboard's Retry on a dead letter is a replay too: before Bull Board retries a failed enrich
 * or deliver job, note it in the call's story and give an enrich job its fresh Call Log window
 * (`replayedAt`), as `rc-enrich dlq replay` does. Bull Board then retries it as usual. Only installed
 * when the dashboard may write: in read-only mode Bull Board refuses these routes after the hook.
 */
export function replayHooks(deps: { queues: Pick<Queues, 'enrich' | 'deliver'>; story: Pick<Story, 'add'> }) {
  const hooks: BoardHooks = {
    async before({ method, route, request }) {
      if (method !== 'put' || (route !== retryOne && route !== retryAll)) return;
      const params = request.params as Record<string, string | undefined>;
      const name = params.queueName as DeadLetterQueue | undefined;
      if (!name || !(deadLetterQueues as readonly string[]).includes(name)) return;
      const queue = name === 'enrich' ? deps.queues.enrich : deps.queues.deliver;
      if (route === retryOne) {
        const job = params.jobId ? ((await queue.getJob(params.jobId)) as AnyJob | undefined) : undefined;
        if (job && (await job.getState()) === 'failed')
          await prepareReplay(deps.story, name, job, 'dashboard');
        return;
      }
      if (params.queueStatus !== 'failed') return;
      // Nothing leaves the failed set until Bull Board retries, so plain paging sees every job once.
      for (let offset = 0; ; offset += 200) {
        const page = ((await queue.getJobs(['failed'], offset, offset + 199)) as AnyJob[]).filter(Boolean);
        if (page.length === 0) break;
        for (const job of page) await prepareReplay(deps.story, name, job, 'dashboard');
      }
    },
  };
  return hooks;
}
