import { describe, expect, it } from 'vitest';
import { deliverJobId, enrichJobId } from '../src/queues.js';

describe('job ids › one job per call', () => {
  it.each([
    ['s-coll:1', 's-coll_1'],
    ['s-coll%3A1', 's-coll:1'],
    ['a:b', 'a%3Ab'],
  ])('calls %s and %s get different enrich and deliver job ids', (first, second) => {
    expect(enrichJobId(first)).not.toBe(enrichJobId(second));
    expect(deliverJobId('webhook', first)).not.toBe(deliverJobId('webhook', second));
  });

  it('the adapter and the call cannot trade characters across the separator', () => {
    expect(deliverJobId('my-crm', 'x')).not.toBe(deliverJobId('my', 'crm-x'));
  });

  it('ids hold no ":" (BullMQ refuses them) and are never all digits', () => {
    for (const id of [enrichJobId('1:2'), deliverJobId('./adapters/a:b.mjs', '12345')]) {
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
    }
  });
});
