/**
 * Records one detected anomaly and notifies once. Shared by the anomaly job and the reconcile job.
 *
 * Steps:
 * 1. Upsert the anomaly under its deterministic id: a re-run updates the measured values, never
 *    the triage state (a resolved anomaly stays resolved).
 * 2. Stop if it is resolved, or its notification already went out.
 * 3. Count `AnomaliesDetected` (dimension `kind`) and publish the notification.
 * 4. Mark it notified. A crash between 3 and 4 notifies again on the next run: at least once,
 *    never lost.
 */
import { METRIC } from '../../metric-names';
import type { Anomaly } from '../anomaly';
import { MONEY_ANOMALY_KINDS } from '../keys';
import type { AnomalyStore, Clock, JobMetrics, Notification, Notifier } from './ports';

export interface RecordAnomalyDependencies {
  anomalies: AnomalyStore;
  notifier: Notifier;
  metrics: JobMetrics;
  clock: Clock;
}

/**
 * The notification of a detected anomaly: ids, names and amounts, never payload text.
 *
 * @example
 * anomalyNotification(anomaly); // { id, detailType: 'Cost Anomaly Detected', subject: 'tokentrail: high_cost for acme gpt-4o on 2026-11-21', ... }
 */
export function anomalyNotification(anomaly: Anomaly): Notification {
  return {
    id: anomaly.id,
    detailType: 'Cost Anomaly Detected',
    project: anomaly.project,
    subject: `tokentrail: ${anomaly.kind} for ${anomaly.project} ${anomaly.model} on ${anomaly.period}`,
    message: anomaly.message,
    detail: {
      anomalyId: anomaly.id,
      kind: anomaly.kind,
      period: anomaly.period,
      provider: anomaly.provider,
      model: anomaly.model,
      value: anomaly.value,
      baseline: anomaly.baseline,
      factor: anomaly.factor,
      unit: MONEY_ANOMALY_KINDS.has(anomaly.kind) ? 'nanoUsd' : 'ratio',
    },
  };
}

/**
 * Stores a detected anomaly and, while it is open and not yet notified, counts it and publishes
 * its notification, then marks it notified. `created` tells whether it was new.
 *
 * @example
 * const { created } = await recordAnomaly(anomaly, deps);
 */
export async function recordAnomaly(
  anomaly: Anomaly,
  deps: RecordAnomalyDependencies,
  now = deps.clock.now().toISOString(),
): Promise<{ created: boolean }> {
  const { created, status, notified } = await deps.anomalies.upsertAnomaly(anomaly, now);
  if (notified || status !== 'open') return { created };
  deps.metrics.addWithDimensions({ kind: anomaly.kind }, [{ name: METRIC.anomaliesDetected, value: 1 }]);
  await deps.notifier.publish(anomalyNotification(anomaly));
  await deps.anomalies.markAnomalyNotified(anomaly.project, anomaly.id, deps.clock.now().toISOString());
  return { created };
}
