import { quietSweepFeature } from './enrich/quiet-sweep.js';
import type { FeatureFactory } from './feature.js';
import { lateDataFeature } from './late-data/feature.js';
import { monitoringFeature } from './monitoring/feature.js';
import { recordingsFeature } from './recordings/feature.js';
import { budgetGaugeFeature } from './ringcentral/budget-gauge.js';
import { reconcileFeature } from './reconcile/feature.js';
import { subscriptionFeature } from './subscriptions/feature.js';

/** The features every rc-enrich process loads (the interface is in feature.ts). */
export const features: FeatureFactory[] = [
  // features: one line each
  quietSweepFeature,
  budgetGaugeFeature,
  monitoringFeature,
  subscriptionFeature,
  recordingsFeature,
  lateDataFeature,
  reconcileFeature,
];
