import type { Queue } from 'bullmq';
import { eventually } from './config.js';

/** Every state in which a job still has work to do. */
const pendingStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Waits until none of `queues` has a job left to run: the pipeline has settled and nothing more will
 * happen on its own. Give the queues upstream first (enrich, then deliver): a job adds its downstream
 * jobs before it completes, so once upstream is seen idle, a later look downstream sees all of them.
 */
export async function untilIdle(queues: Queue[], timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    for (const queue of queues) {
      const counts = await queue.getJobCounts(...pendingStates);
      if (Object.values(counts).some((count) => count > 0)) return undefined;
    }
    return true;
  }, timeoutMs);
}
