import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOnce, holdOff, type CrmRecordWriter } from '../../src/adapters/create-once.js';
import { markRefused } from '../../src/adapters/http.js';
import { createRecordIds, type RecordIds } from '../../src/adapters/record-ids.js';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/errors.js';
import { deliveryContext, rejection } from './support.js';

/** A CRM in memory: what `createOnce` asked of it, and records it can "lose" the answer for. */
function fakeCrm(options: { upsert?: boolean; findLags?: boolean } = {}) {
  const rows = new Map<string, string>();
  const calls: string[] = [];
  let next = 1;
  let failCreate: Error | undefined;
  const writer: CrmRecordWriter = {
    async create() {
      calls.push('create');
      if (failCreate) throw failCreate;
      const id = `rec-${next++}`;
      rows.set(id, 'v1');
      return id;
    },
    async update(id) {
      calls.push(`update ${id}`);
      if (!rows.has(id)) return false;
      rows.set(id, 'v2');
      return true;
    },
    ...(options.upsert
      ? {}
      : {
          async find() {
            calls.push('find');
            return options.findLags ? undefined : [...rows.keys()][0];
          },
        }),
  };
  return {
    writer,
    rows,
    calls,
    failNextCreate(error: Error | undefined) {
      failCreate = error;
    },
  };
}

const options = (records: RecordIds, findLagMs = 0) => ({
  adapter: 'test',
  crm: 'TestCRM',
  record: 'note',
  records,
  findLagMs,
});

describe('createOnce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('nothing stored › creates once and stores the id; the next delivery updates it', async () => {
    const crm = fakeCrm();
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();

    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-1' });
    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-1' });

    expect(crm.calls).toEqual(['create', 'update rec-1']);
    expect(await records.get(ctx.idempotencyKey)).toEqual({ id: 'rec-1' });
  });

  it('the stored record was deleted in the CRM › created again and the new id stored', async () => {
    const crm = fakeCrm();
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();
    await createOnce(crm.writer, options(records), ctx);
    crm.rows.clear();

    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-2' });
    expect(crm.calls).toEqual(['create', 'update rec-1', 'create']);
  });

  it('an attempt died after the CRM wrote › the next one finds the record and updates it', async () => {
    const crm = fakeCrm();
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();
    crm.rows.set('rec-lost', 'v1');
    await records.claim(ctx.idempotencyKey);

    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-lost' });
    expect(crm.calls).toEqual(['find', 'update rec-lost']);
    expect(crm.rows.get('rec-lost')).toBe('v2');
  });

  it.each([
    { age: 1_000, lag: 30_000, outcome: 'retry in 29000 ms' },
    { age: 30_000, lag: 30_000, outcome: 'create' },
    { age: 1_000, lag: 0, outcome: 'create' },
  ])(
    'a pending mark $age ms old, search lag $lag ms, nothing found › $outcome',
    async ({ age, lag, outcome }) => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T12:00:00Z') });
      const crm = fakeCrm({ findLags: true });
      const records = createRecordIds({ adapter: 'test' });
      const ctx = deliveryContext();
      await records.claim(ctx.idempotencyKey);
      vi.setSystemTime(Date.now() + age);

      const attempt = createOnce(crm.writer, options(records, lag), ctx);
      if (outcome === 'create') {
        expect(await attempt).toEqual({ crmId: 'rec-1' });
        expect(crm.calls).toEqual(['find', 'create']);
      } else {
        const error = await rejection(attempt);
        expect(error).toBeInstanceOf(RetryableDeliveryError);
        expect((error as RetryableDeliveryError).retryAfterMs).toBe(29_000);
        expect(error.message).toContain('waiting for TestCRM search to show it');
        expect(crm.calls).toEqual(['find']);
      }
    },
  );

  it('another attempt claimed the key in between › retry later, nothing written', async () => {
    const crm = fakeCrm();
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();
    const racing: RecordIds = { ...records, get: async () => undefined, claim: async () => false };

    const error = await rejection(createOnce(crm.writer, options(racing), ctx));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect(error.message).toBe('test: another attempt at this call is in progress');
    expect(crm.calls).toEqual([]);
  });

  it.each([
    { failure: 'a refused create (400)', status: 400, pendingAfter: false },
    { failure: 'a 503', status: 503, pendingAfter: true },
  ])('$failure › the pending mark is kept: $pendingAfter', async ({ status, pendingAfter }) => {
    const crm = fakeCrm();
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();
    crm.failNextCreate(markRefused(new Error(`answered ${status}`), status));

    await rejection(createOnce(crm.writer, options(records), ctx));
    const stored = await records.get(ctx.idempotencyKey);
    expect(stored !== undefined && 'pendingSince' in stored).toBe(pendingAfter);
  });

  it('the CRM created the record but returned no id › give up, the pending mark kept for a later find', async () => {
    const crm = fakeCrm();
    crm.writer.create = async () => undefined;
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();

    const error = await rejection(createOnce(crm.writer, options(records), ctx));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toBe('test: TestCRM created the note but returned no id');
    expect(await records.get(ctx.idempotencyKey)).toHaveProperty('pendingSince');
  });

  it('no find (create is an upsert) › no pending mark, the upsert alone makes the record', async () => {
    const crm = fakeCrm({ upsert: true });
    const records = createRecordIds({ adapter: 'test' });
    const ctx = deliveryContext();
    crm.failNextCreate(new Error('503'));

    await rejection(createOnce(crm.writer, options(records), ctx));
    expect(await records.get(ctx.idempotencyKey)).toBeUndefined();
    crm.failNextCreate(undefined);
    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-1' });
    expect(await createOnce(crm.writer, options(records), ctx)).toEqual({ crmId: 'rec-1' });
    expect(crm.calls).toEqual(['create', 'create', 'update rec-1']);
  });
});

describe('holdOff', () => {
  it.each([
    { waitMs: 0, throws: false },
    { waitMs: 1_500, throws: true },
  ])('the gate says wait $waitMs ms › retry later: $throws', ({ waitMs, throws }) => {
    let thrown: unknown;
    try {
      holdOff({ waitMs: () => waitMs }, 'test', 'the limit is near');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toEqual(
      throws ? new RetryableDeliveryError('test: the limit is near, waiting 1500 ms', 1_500) : undefined,
    );
    if (throws) expect((thrown as RetryableDeliveryError).retryAfterMs).toBe(1_500);
  });
});
