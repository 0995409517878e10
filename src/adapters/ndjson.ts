import type { CrmAdapter, AdapterOptions, DeliveryContext } from './types.js';
import { RetryableDeliveryError } from '../errors.js';
import { callEnrichedEvent, callUpdatedEvent } from './payload.js';
import { createRecordIds } from './record-ids.js';

/**
 * The line-oriented adapters (stdout, file): one JSON line per call, `{ idempotencyKey, type, timestamp,
 * data }`, written by `writeLine`; a later update of the call is one more line, `type: 'call.updated'`,
 * keyed by the update's own key.
 *
 * What is guaranteed: a call whose key is already recorded is not written again. The key is recorded
 * after the line is written (in Redis when the service provides one, so across processes and restarts
 * for 90 days; else in this process only). A crash between writing and recording, or two attempts at the
 * same call at the same moment, can still write a line twice: every line carries `idempotencyKey` so a
 * reader can drop repeats. Recording before writing would instead risk losing the call, which is worse.
 */
export function createNdjsonAdapter(
  name: string,
  options: AdapterOptions,
  writeLine: (line: string, signal: AbortSignal) => Promise<void>,
  close?: () => Promise<void>,
): CrmAdapter {
  const written = createRecordIds({ redis: options.redis, keyPrefix: options.keyPrefix, adapter: name });
  async function writeOnce(key: string, event: object, ctx: DeliveryContext): Promise<void> {
    if (ctx.signal.aborted)
      throw new RetryableDeliveryError(`${name}: the delivery was aborted before writing`);
    if ((await written.get(key)) !== undefined) {
      ctx.logger.debug({ idempotencyKey: key }, 'already written, not writing it again');
      return;
    }
    await writeLine(`${JSON.stringify({ idempotencyKey: key, ...event })}\n`, ctx.signal);
    await written.set(key, 'written');
  }

  return {
    name,
    deliver: (call, ctx) => writeOnce(ctx.idempotencyKey, callEnrichedEvent(call), ctx),
    update: (call, ctx) => writeOnce(ctx.updateKey, callUpdatedEvent(call, ctx.changes), ctx),
    async close() {
      await close?.();
    },
  };
}
