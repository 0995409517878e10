import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createBudget } from '../../src/ringcentral/budget.js';
import { createKeys } from '../../src/infra/keys.js';
import { cleanupPrefix, redisUrl } from '../helpers/config.js';

const prefix = `test-budget-${process.pid}`;
const limits = { limit: 3, windowMs: 400, safetyMs: 0, defaultRetryAfterMs: 300, maxRetryAfterMs: 300_000 };
let a: Redis;
let b: Redis;
beforeAll(() => {
  a = new Redis(redisUrl);
  b = new Redis(redisUrl);
});
afterEach(() => cleanupPrefix(prefix));
afterAll(async () => {
  await a.quit();
  await b.quit();
});

describe('budget › shared by processes through Redis', () => {
  it('two processes together get no more than the limit per window, then a wait', async () => {
    const one = createBudget(a, createKeys(prefix), 'Heavy', limits);
    const two = createBudget(b, createKeys(prefix), 'Heavy', limits);
    const results = await Promise.all([
      one.acquire(),
      two.acquire(),
      one.acquire(),
      two.acquire(),
      one.acquire(),
    ]);
    expect(results.filter((wait) => wait === 0)).toHaveLength(3);
    const waits = results.filter((wait) => wait > 0);
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(400);
    await new Promise((resolve) => setTimeout(resolve, Math.max(...waits) + 20));
    expect(await one.acquire()).toBe(0);
  });

  it('a waiting due lookup is owed the next slot: background work waits behind it', async () => {
    const budget = createBudget(a, createKeys(prefix), 'Heavy', { ...limits, limit: 1 });
    expect(await budget.acquire('due', 'listing')).toBe(0);
    const dueWait = await budget.acquire('due', 'listing');
    expect(dueWait).toBeGreaterThan(0);
    expect((await budget.snapshot()).reserved).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, dueWait + 20));
    // One slot is free again, and it is the waiting due lookup's, not the background's.
    expect(await budget.acquire('background', 'reconcile')).toBeGreaterThan(0);
    expect(await budget.acquire('due', 'listing')).toBe(0);
    expect((await budget.snapshot()).reserved).toBe(1); // the background request now waits in line
  });

  it('a burst holds background work back in every process; a shorter hold never cuts it short', async () => {
    const one = createBudget(a, createKeys(prefix), 'Heavy', limits);
    const two = createBudget(b, createKeys(prefix), 'Heavy', limits);
    await one.holdBackground(300);
    await two.holdBackground(50);
    const wait = await two.acquire('background', 'reconcile');
    expect(wait).toBeGreaterThan(200);
    expect(wait).toBeLessThanOrEqual(300);
    expect(await two.acquire('due', 'listing')).toBe(0);
    expect((await one.snapshot()).backgroundHeldMs).toBeGreaterThan(200);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    expect(await two.acquire('background', 'reconcile')).toBe(0);
    // The window knows which of its slots background work took (the listings' pace makes up for them).
    expect(await one.snapshot()).toMatchObject({
      used: 2,
      backgroundUsed: 1,
      othersUsed: 1,
      backgroundHeldMs: 0,
    });
  });

  it('a 429 stops every request of the group for Retry-After', async () => {
    const budget = createBudget(a, createKeys(prefix), 'Heavy', limits);
    await budget.penalize(250);
    const wait = await budget.acquire();
    expect(wait).toBeGreaterThan(150);
    expect(wait).toBeLessThanOrEqual(250);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    expect(await budget.acquire()).toBe(0);
  });

  it('a 429 without Retry-After waits the default', async () => {
    const budget = createBudget(a, createKeys(prefix), 'Heavy', limits);
    await budget.penalize(undefined);
    expect(await budget.acquire()).toBeGreaterThan(200);
  });

  it('catches up with requests RingCentral counted that we did not send', async () => {
    const budget = createBudget(a, createKeys(prefix), 'Heavy', limits);
    expect(await budget.acquire()).toBe(0);
    // RingCentral says 10 allowed and only 1 left: someone else spent 8.
    await budget.observe(
      new Headers({ 'x-rate-limit-limit': '10', 'x-rate-limit-remaining': '1', 'x-rate-limit-window': '60' }),
    );
    expect(await budget.acquire()).toBe(0);
    expect(await budget.acquire()).toBeGreaterThan(0);
    expect(await budget.remaining()).toBe(0);
  });
});
