import { readFileSync, readdirSync } from 'node:fs';
import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/infra/metrics.js';
import { registerQueueMetrics } from '../../src/monitoring/queue-metrics.js';
import { createReconcileMetrics } from '../../src/reconcile/metrics.js';
import { createSubscriptionMetrics } from '../../src/subscriptions/metrics.js';
import { sample } from './helpers.js';

/** A queue that answers like BullMQ's, or fails like one whose Redis is gone. */
const stubQueue = (name: string, counts: () => Promise<Record<string, number>>, paused = false) =>
  ({ name, getJobCounts: counts, isPaused: async () => paused }) as unknown as Queue;

function exported() {
  const metrics = createMetrics();
  registerQueueMetrics(metrics.registry, [stubQueue('deliver', async () => ({}))]);
  createSubscriptionMetrics(metrics.registry);
  createReconcileMetrics(metrics.registry);
  const names = metrics.registry.getMetricsAsArray().map((metric) => metric.name);
  return { all: names, own: names.filter((name) => !/^rc_enrich_(process|nodejs)_/.test(name)) };
}

/** Metric names a text mentions, histogram series folded into their family. */
const mentioned = (text: string) =>
  [...new Set(text.match(/rc_enrich_[a-z0-9_]+/g) ?? [])]
    .map((name) => name.replace(/_(bucket|sum|count)$/, ''))
    .filter((name) => !name.endsWith('_'));

describe('queue metrics › collect', () => {
  it('reads counts per queue and state on each scrape, and the paused flag', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let failed = 3;
    registerQueueMetrics(metrics.registry, [
      stubQueue('deliver', async () => ({ waiting: 2, failed })),
      stubQueue('enrich', async () => ({ delayed: 7 }), true),
    ]);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'rc_enrich_queue_jobs', { queue: 'deliver', state: 'failed' })).toBe(3);
    expect(sample(text, 'rc_enrich_queue_jobs', { queue: 'deliver', state: 'active' })).toBe(0);
    expect(sample(text, 'rc_enrich_queue_jobs', { queue: 'enrich', state: 'delayed' })).toBe(7);
    expect(sample(text, 'rc_enrich_queue_paused', { queue: 'enrich' })).toBe(1);
    failed = 0;
    text = await metrics.registry.metrics();
    expect(sample(text, 'rc_enrich_queue_jobs', { queue: 'deliver', state: 'failed' })).toBe(0);
  });

  it('drops the queue series instead of failing /metrics when Redis does not answer', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.webhookRequests.inc({ outcome: 'accepted' });
    registerQueueMetrics(metrics.registry, [
      stubQueue('deliver', async () => {
        throw new Error('Connection is closed.');
      }),
    ]);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'rc_enrich_queue_jobs')).toBeUndefined();
    expect(sample(text, 'rc_enrich_webhook_requests_total', { outcome: 'accepted' })).toBe(1);
  });
});

/** The README and every page under docs/: wherever a metric is named, it must exist. */
const allDocs = () =>
  [
    'README.md',
    ...readdirSync('docs')
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ]
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');

describe('docs › metrics reference', () => {
  const reference = readFileSync('docs/metrics.md', 'utf8');

  it('documents every metric rc-enrich exports, with its type', () => {
    const metrics = createMetrics();
    registerQueueMetrics(metrics.registry, []);
    createSubscriptionMetrics(metrics.registry);
    createReconcileMetrics(metrics.registry);
    for (const metric of metrics.registry.getMetricsAsArray()) {
      if (/^rc_enrich_(process|nodejs)_/.test(metric.name)) continue;
      const type = (metric as unknown as { type: string }).type;
      expect(reference, metric.name).toContain(`| \`${metric.name}\` | ${type} |`);
    }
  });

  it('mentions no metric that does not exist, on any page', () => {
    const { all } = exported();
    const names = mentioned(allDocs());
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(all, name).toContain(name);
  });
});

describe('docs › Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8')) as {
    uid: string;
    title: string;
    panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
  };
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  const queries = panels.flatMap((panel) => panel.targets?.map((target) => target.expr) ?? []);

  it('is a Grafana dashboard whose panels all have queries', () => {
    expect(dashboard.uid).toBe('rc-enrich');
    expect(panels.length).toBeGreaterThan(8);
    for (const panel of panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('queries only metrics that exist, and covers the ones operators need', () => {
    const { all, own } = exported();
    const used = mentioned(queries.join('\n'));
    for (const name of used) expect(all, name).toContain(name);
    for (const name of own) expect(used, name).toContain(name);
    const text = queries.join('\n');
    expect(text).toContain(
      'histogram_quantile(0.5, sum by (adapter, le) (rate(rc_enrich_call_end_to_delivery_seconds_bucket',
    );
    expect(text).toContain(
      'histogram_quantile(0.95, sum by (adapter, le) (rate(rc_enrich_call_end_to_delivery_seconds_bucket',
    );
  });
});
