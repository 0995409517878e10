import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createSubscriptionMetrics } from '../../src/subscriptions/metrics.js';
import { sample } from '../monitoring/helpers.js';

const expiry = 'rc_enrich_subscription_expiry_timestamp_seconds';

describe('subscription metrics › expiry', () => {
  it('is absent before the first check and while the subscription is missing, not 0', async () => {
    const registry = new Registry();
    const metrics = createSubscriptionMetrics(registry);
    expect(sample(await registry.metrics(), expiry)).toBeUndefined();

    metrics.show({ state: 'active', expiresAt: '2036-05-01T09:12:44.000Z' });
    let text = await registry.metrics();
    expect(sample(text, expiry)).toBe(Date.parse('2036-05-01T09:12:44.000Z') / 1000);

    metrics.show({ state: 'missing', expiresAt: undefined });
    text = await registry.metrics();
    expect(sample(text, expiry)).toBeUndefined();
    expect(text).not.toMatch(new RegExp(`^${expiry} `, 'm'));
    expect(sample(text, 'rc_enrich_subscription_state', { state: 'missing' })).toBe(1);
  });
});
