import { Counter, type Registry } from 'prom-client';
import { AbsentUntilSet, reuse } from '../infra/metrics.js';
import { recoveryReasons, type RecoveryReason } from './decide.js';
import type { ReconcileState } from './state.js';

/**
 * The reconciler's metrics, on the service's registry:
 * - `rc_enrich_calls_recovered_total{reason}`: calls delivered from the Call Log because something was lost;
 * - `rc_enrich_reconcile_lag_seconds`: age of the watermark (alert when it exceeds a few intervals);
 * - `rc_enrich_reconcile_last_success_timestamp_seconds`: when a scan last completed;
 * - `rc_enrich_reconcile_records_scanned_total`: Call Log records read.
 */
export function createReconcileMetrics(registry: Registry) {
  const registers = [registry];
  const recovered = reuse(
    registry,
    'rc_enrich_calls_recovered_total',
    () =>
      new Counter({
        name: 'rc_enrich_calls_recovered_total',
        help: 'Calls delivered from the Call Log by the reconciler because their notifications were lost, by reason (never-notified, end-missing, lookup-missing, delivery-missing)',
        labelNames: ['reason'] as const,
        registers,
      }),
  );
  const scanned = reuse(
    registry,
    'rc_enrich_reconcile_records_scanned_total',
    () =>
      new Counter({
        name: 'rc_enrich_reconcile_records_scanned_total',
        help: 'Call Log records read by the reconciler',
        registers,
      }),
  );
  const lag = reuse(
    registry,
    'rc_enrich_reconcile_lag_seconds',
    () =>
      new AbsentUntilSet({
        name: 'rc_enrich_reconcile_lag_seconds',
        help: "Age of the reconciler's watermark: how far behind the Call Log it is; absent before the first scan",
        registers,
      }),
  );
  const lastSuccess = reuse(
    registry,
    'rc_enrich_reconcile_last_success_timestamp_seconds',
    () =>
      new AbsentUntilSet({
        name: 'rc_enrich_reconcile_last_success_timestamp_seconds',
        help: 'When the reconciler last completed a scan (Unix time); absent before the first',
        registers,
      }),
  );
  for (const reason of recoveryReasons) recovered.inc({ reason }, 0);

  return {
    recovered: (reason: RecoveryReason) => recovered.inc({ reason }),
    scanned: (records: number) => scanned.inc(records),
    show(state: ReconcileState, now = Date.now()) {
      lag.show(state.watermark === undefined ? undefined : Math.max(0, (now - state.watermark) / 1000));
      lastSuccess.show(
        state.lastSuccessAt === undefined ? undefined : Math.floor(state.lastSuccessAt / 1000),
      );
    },
  };
}

export type ReconcileMetrics = ReturnType<typeof createReconcileMetrics>;
