import type { Metrics } from '../infra/metrics.js';
import { apiGroups, type ApiGroup, type Budget } from './budget.js';
import type { BudgetSnapshot } from './budget-decision.js';

/** Every group's budget as Redis holds it now: the one read behind /metrics and `rc-enrich queues`. */
export async function budgetsReport(budgets: Record<ApiGroup, Budget>): Promise<BudgetSnapshot[]> {
  return Promise.all(apiGroups.map((group) => budgets[group].snapshot()));
}

/** Set the budget gauges from a report (on each scrape: the budget is shared, no process owns it). */
export function showBudgets(metrics: Metrics, report: BudgetSnapshot[]): void {
  for (const budget of report) {
    const labels = { group: budget.group };
    metrics.ringcentralBudgetRemaining.set(labels, budget.remaining);
    metrics.ringcentralBudgetUsed.set(labels, budget.used);
    metrics.ringcentralBudgetLimit.set(labels, budget.limit);
    metrics.ringcentralBudgetReserved.set(labels, budget.reserved);
    metrics.ringcentralBudgetPenalty.set(labels, budget.penaltyMs / 1000);
  }
}

/** `Heavy   used=4/10 remaining=6 reserved=1 penalty=0s`, one line per group. */
export function formatBudgetsReport(report: BudgetSnapshot[]): string {
  const width = Math.max(...report.map((budget) => budget.group.length));
  return report
    .map(
      (budget) =>
        `${budget.group.padEnd(width)}  used=${budget.used}/${budget.limit} per ${budget.windowMs / 1000}s` +
        ` remaining=${budget.remaining} reserved=${budget.reserved} penalty=${(budget.penaltyMs / 1000).toFixed(0)}s` +
        (budget.backgroundHeldMs > 0
          ? ` background-held=${(budget.backgroundHeldMs / 1000).toFixed(0)}s`
          : ''),
    )
    .join('\n');
}
