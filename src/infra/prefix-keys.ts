import type { Redis } from 'ioredis';
import { hashTag } from './keys.js';

/** Every key under one QUEUE_PREFIX (ours and BullMQ's), for tools that clean up after a run. */
async function forEachBatch(redis: Redis, queuePrefix: string, visit: (keys: string[]) => Promise<void>) {
  // Every key starts with `{prefix}` (hashTag): braces are glob-special in SCAN's MATCH, so escape them.
  const pattern = `${hashTag(queuePrefix).replace(/[{}[\]*?\\]/g, (c) => `\\${c}`)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await visit(keys);
  } while (cursor !== '0');
}

export async function countPrefixKeys(redis: Redis, queuePrefix: string): Promise<number> {
  let count = 0;
  await forEachBatch(redis, queuePrefix, async (keys) => {
    count += keys.length;
  });
  return count;
}

export async function deletePrefixKeys(redis: Redis, queuePrefix: string): Promise<void> {
  await forEachBatch(redis, queuePrefix, async (keys) => {
    await redis.del(...keys);
  });
}
