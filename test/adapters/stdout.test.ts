import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutAdapter } from '../../src/adapters/stdout/index.js';
import { eventOnlyCall, inboundCall } from '../fixtures/calls.js';
import { deliveryContext, rejection, silentLogger } from './support.js';

function sink(options: { failWith?: Error } = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      if (options.failWith) return done(options.failWith);
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, chunks };
}

describe('stdout adapter', () => {
  it('writes one whole JSON line per call, with the idempotency key', async () => {
    const { stream, chunks } = sink();
    const adapter = createStdoutAdapter({ env: {}, logger: silentLogger }, stream);
    const call = eventOnlyCall();
    const ctx = deliveryContext();
    await adapter.deliver(call, ctx);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(chunks[0]!)).toEqual({
      idempotencyKey: ctx.idempotencyKey,
      type: 'call.enriched',
      timestamp: call.endedAt,
      data: expect.objectContaining({ source: 'event', records: [], parties: call.parties }),
    });
  });

  it('the same key twice › one line', async () => {
    const { stream, chunks } = sink();
    const adapter = createStdoutAdapter({ env: {}, logger: silentLogger }, stream);
    const call = inboundCall();
    const ctx = deliveryContext();
    await adapter.deliver(call, ctx);
    await adapter.deliver(call, { ...ctx, attempt: 2 });
    expect(chunks).toHaveLength(1);
  });

  it('a broken stream › the delivery fails (to be retried) and the process does not crash', async () => {
    const { stream } = sink({ failWith: new Error('EPIPE') });
    const adapter = createStdoutAdapter({ env: {}, logger: silentLogger }, stream);
    const err = await rejection(adapter.deliver(inboundCall(), deliveryContext()));
    expect(err.message).toBe('EPIPE');
  });
});
