/**
 * The API views of what the jobs store: anomalies and budget events, money in decimal USD (with
 * the exact nano-USD alongside where a client may sum it).
 */

import { nanosToUsd } from '../../money';
import { MONEY_ANOMALY_KINDS } from '../keys';
import type { StoredAnomaly, StoredBudgetEvent } from './ports';

/**
 * The API view of an anomaly: cost values in decimal USD (with the exact nano-USD alongside),
 * rate values as fractions.
 *
 * @example
 * toApiAnomaly(stored); // { id, kind: 'high_cost', value: 10, valueNanoUsd: 10_000_000_000, unit: 'USD', status: 'open', ... }
 */
export function toApiAnomaly(anomaly: StoredAnomaly) {
  const money = MONEY_ANOMALY_KINDS.has(anomaly.kind);
  return {
    id: anomaly.id,
    kind: anomaly.kind,
    period: anomaly.period,
    project: anomaly.project,
    provider: anomaly.provider,
    model: anomaly.model,
    unit: money ? 'USD' : 'ratio',
    value: money ? nanosToUsd(anomaly.value) : anomaly.value,
    baseline: money ? nanosToUsd(anomaly.baseline) : anomaly.baseline,
    ...(money ? { valueNanoUsd: anomaly.value, baselineNanoUsd: anomaly.baseline } : {}),
    factor: anomaly.factor ?? null,
    zScore: anomaly.zScore,
    message: anomaly.message,
    status: anomaly.status,
    detectedAt: anomaly.detectedAt,
    updatedAt: anomaly.updatedAt,
    resolvedAt: anomaly.resolvedAt ?? null,
    note: anomaly.note ?? null,
  };
}

/**
 * The API view of a budget event, in decimal USD.
 *
 * @example
 * toApiBudgetEvent(stored); // { id, threshold: 'warning', month: '2026-11', thresholdUsd: 0.8, spentUsd: 0.9, ... }
 */
export const toApiBudgetEvent = (budgetEvent: StoredBudgetEvent) => ({
  id: budgetEvent.id,
  threshold: budgetEvent.threshold,
  month: budgetEvent.month,
  thresholdUsd: nanosToUsd(budgetEvent.thresholdNanos),
  spentUsd: nanosToUsd(budgetEvent.spentNanos),
  monthlyBudgetUsd: nanosToUsd(budgetEvent.monthlyBudgetNanos),
  raisedAt: budgetEvent.raisedAt,
});
