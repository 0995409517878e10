import type { FeatureFactory } from '../feature.js';
import { createBudgets } from './budget.js';
import { budgetsReport, showBudgets } from './budget-report.js';

/**
 * The `rc_enrich_ringcentral_budget_*` gauges, read on each scrape from the budgets every process
 * shares in Redis (through the fail-fast connection), so any role can answer, the api role included.
 */
export const budgetGaugeFeature: FeatureFactory = ({ config, redis, keys, metrics }) => {
  const budgets = createBudgets(redis, keys, config.ringcentral.heavy);
  return {
    name: 'ringcentral-budget',
    refreshMetrics: async () => showBudgets(metrics, await budgetsReport(budgets)),
  };
};
