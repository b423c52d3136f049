/**
 * Deterministic ids for analytics items (their table keys are in shared/domain/table/keys.ts). The same
 * inputs always give the same id, so re-running a rollup or anomaly job overwrites its earlier
 * output instead of adding to it, and a conditional write on an id raises each anomaly or budget
 * event once.
 */
import { createHash } from 'node:crypto';
import { escapeKeyPart, rollupTagSuffix } from '../table/keys';
import type { Granularity } from './period';

/** A rollup's tag dimension: records grouped by one tag key; `value: null` holds records without it. */
export interface RollupTag {
  key: string;
  value: string | null;
}

/** What identifies one rollup: its period and the group it sums. */
export interface RollupDimensions {
  granularity: Granularity;
  period: string;
  project: string;
  provider: string;
  model: string;
  tag?: RollupTag;
}

export type AnomalyKind =
  | 'high_cost'
  | 'suspiciously_low'
  | 'error_rate_spike'
  | 'unpriced_spike'
  /** Reconciliation: the ledger saw less of a day's usage than the provider billed. */
  | 'untracked_usage'
  /** Reconciliation: the ledger's cost differs from the provider's cost report. */
  | 'cost_drift';

/** Every anomaly kind, in the order the API documents them. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'high_cost',
  'suspiciously_low',
  'error_rate_spike',
  'unpriced_spike',
  'untracked_usage',
  'cost_drift',
];

/** Kinds whose `value` and `baseline` are nano-USD (the others are fractions). */
export const MONEY_ANOMALY_KINDS: ReadonlySet<AnomalyKind> = new Set([
  'high_cost',
  'suspiciously_low',
  'cost_drift',
]);

export type BudgetThreshold = 'warning' | 'limit';

/**
 * The stable id of a rollup, e.g. `ROLLUP#day#2026-11-21#acme#openai#gpt-4o`, with
 * `#TAG#team=search` (or `#TAG#team!` for records without the tag) for tag rollups.
 * `#`, `=`, `!` and `%` inside names are percent-escaped, so different groups never collide.
 *
 * @example
 * rollupKey({ granularity: 'day', period: '2026-11-21', project: 'acme', provider: 'openai', model: 'gpt-4o' });
 * // 'ROLLUP#day#2026-11-21#acme#openai#gpt-4o'
 */
export function rollupKey(dimensions: RollupDimensions): string {
  const { granularity, period, project, provider, model, tag } = dimensions;
  return `ROLLUP#${granularity}#${period}#${escapeKeyPart(project)}#${escapeKeyPart(provider)}#${escapeKeyPart(model)}${rollupTagSuffix(tag)}`;
}

const digest = (parts: string[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);

/**
 * The id of the one anomaly of a kind for a project's provider and model on a day, URL-safe so it can be
 * used in `PATCH /v1/anomalies/{id}`: the date and kind stay readable, a digest covers the rest.
 *
 * @example
 * anomalyId('acme', 'openai', 'gpt-4o', 'high_cost', '2026-11-21'); // '2026-11-21-high_cost-<20 hex digits>'
 */
export function anomalyId(
  project: string,
  provider: string,
  model: string,
  kind: AnomalyKind,
  date: string,
): string {
  // The provider too: the same model name served by two providers (OpenAI and Azure) is two series.
  return `${date}-${kind}-${digest(['anomaly', project, provider, model, kind, date])}`;
}

/**
 * The id of the event raised when a project's spend crosses a budget threshold in a month;
 * a conditional write on it makes each threshold fire once per month.
 *
 * @example
 * budgetEventId('acme', '2026-11', 'warning'); // '2026-11-budget_warning-<20 hex digits>'
 */
export function budgetEventId(project: string, month: string, threshold: BudgetThreshold): string {
  return `${month}-budget_${threshold}-${digest(['budget', project, month, threshold])}`;
}
