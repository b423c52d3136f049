/**
 * Anomaly detection over a project's daily rollups, per project × provider × model.
 *
 * ## Cost (`high_cost`, `suspiciously_low`)
 *
 * Costs vary multiplicatively (a busy day is "40% more", a weekend "a tenth"), so the math runs
 * on `ln(costNanos + costFloorNanos)`; the floor keeps zero-cost days finite and stops
 * fractions of a cent from looking like large relative swings.
 *
 * Baseline: the median of all days in the trailing window blended with the median of the
 * same weekday (4 values in 28 days), weighted per weekday by how much the weekly pattern
 * stands out from noise (empirical Bayes, see `baseline.ts`). Why: a normal Saturday must be
 * compared with Saturdays when weekends are much lower, but in a volatile series without a
 * weekly pattern, four random same-weekday values are noise and the all-days median is the
 * steadier estimate; a fixed blend fails one case or the other. The blend is taken in log
 * space (a geometric mean), because an arithmetic blend of a $5 weekend and a $100 weekday
 * would make every normal weekend look like a 90% drop.
 *
 * Robust z-score: `(ln(value) − baseline) / (1.4826 · MAD)`, where the MAD is taken over the
 * history's own deviations from their weekday baselines (the series with the weekly pattern
 * removed), and is never below the within-weekday spread nor `minLogSigma`, so a perfectly
 * steady series does not divide by zero.
 *
 * An anomaly fires only when all of its rules hold, so noise cannot fire it alone:
 * - `high_cost`: value > `highCostFactor` × baseline, value − baseline ≥ `minCostDeltaNanos`,
 *   and z ≥ `zThreshold`.
 * - `suspiciously_low`: baseline ≥ `minMaterialBaselineNanos` (never on near-zero baselines),
 *   value < `lowCostFactor` × baseline, baseline − value ≥ `minCostDeltaNanos`, z ≤ −`zThreshold`.
 *
 * ## Rates (`error_rate_spike`, `unpriced_spike`)
 *
 * Error rate = errorCount / count and unpriced rate = unpricedCount / count. Ratios hardly
 * follow the weekly traffic pattern, so the baseline is the median daily rate over the history
 * days that had traffic, with a robust z against its MAD (floored at `minRateSigma`). A spike
 * needs enough traffic that day (`minRequests`, `minEvents`), rate ≥ `factor` × baseline,
 * rate − baseline ≥ `minDelta`, and z ≥ `zThreshold`.
 *
 * ## History
 *
 * History starts at the first window day with any traffic; later days missing from `history`
 * count as zero (no rollup means no calls). Fewer than `minHistoryDays` such days: no anomaly,
 * so a new project is quiet. The target day missing from `history` counts as zero too, which
 * is how a model that stopped being called shows up as `suspiciously_low`: call detection for
 * every project × model seen in the window, not only those with a rollup on the target day.
 */
import * as z from 'zod';
import { nanosToUsd } from '../money';
import { fitWeeklyBaseline } from './baseline';
import { InvalidHistoryError } from './errors';
import { type AnomalyKind, anomalyId } from './keys';
import { parseOrThrow } from './options';
import { assertDate, trailingDays, weekdayOf } from './period';
import type { Rollup } from './rollup';
import { MAD_TO_SIGMA, median, medianAbsoluteDeviation } from './stats';

/** One day of a project × model's activity, as read from its daily rollup. */
export interface DailyObservation {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  costNanos: number;
  /** Calls that finished (success, error or abandoned); the denominator of the rates. */
  count: number;
  errorCount: number;
  unpricedCount: number;
}

const rateRuleSchema = (defaults: {
  factor: number;
  minDelta: number;
  minRequests: number;
  minEvents: number;
}) =>
  z.strictObject({
    factor: z.number().gt(1).default(defaults.factor),
    minDelta: z.number().gt(0).lte(1).default(defaults.minDelta),
    minRequests: z.number().int().min(1).default(defaults.minRequests),
    minEvents: z.number().int().min(1).default(defaults.minEvents),
  });

/** Options of {@link detectAnomalies}; every field has a default. */
export const anomalyOptionsSchema = z.strictObject({
  /** Days of history before the target day. */
  windowDays: z.number().int().min(7).max(366).default(28),
  /** Days since the first day with traffic needed before anything can alarm. */
  minHistoryDays: z.number().int().min(1).default(7),
  /** |robust z| needed, 3.5 as recommended for the modified z-score (Iglewicz and Hoaglin). */
  zThreshold: z.number().positive().default(3.5),
  highCostFactor: z.number().gt(1).default(3),
  lowCostFactor: z.number().gt(0).lt(1).default(0.1),
  /** Smallest |value − baseline| in nano-USD worth an alarm; default $1. */
  minCostDeltaNanos: z.number().int().nonnegative().default(1_000_000_000),
  /** Smallest baseline in nano-USD whose drop is worth an alarm; default $1. */
  minMaterialBaselineNanos: z.number().int().nonnegative().default(1_000_000_000),
  /** Added before taking logarithms; default $0.01. */
  costFloorNanos: z.number().int().positive().default(10_000_000),
  /** Smallest spread of ln(cost) assumed, ~10%: a steady series does not make every wobble infinite. */
  minLogSigma: z.number().positive().default(0.1),
  /** Smallest spread of a daily rate assumed (2 percentage points). */
  minRateSigma: z.number().positive().default(0.02),
  errorRate: rateRuleSchema({ factor: 3, minDelta: 0.1, minRequests: 20, minEvents: 5 }).prefault({}),
  unpricedRate: rateRuleSchema({ factor: 3, minDelta: 0.05, minRequests: 20, minEvents: 5 }).prefault({}),
});

export type AnomalyOptions = z.output<typeof anomalyOptionsSchema>;
export type AnomalyOptionsInput = z.input<typeof anomalyOptionsSchema>;

export interface AnomalyInput {
  project: string;
  provider: string;
  model: string;
  /** The day to judge, `YYYY-MM-DD` (UTC). */
  date: string;
  /** Daily observations; any order, may include the target day and days outside the window. */
  history: readonly DailyObservation[];
  options?: AnomalyOptionsInput;
}

/** Why a cost anomaly fired: the inputs of its rules. */
export interface CostAnomalyDetails {
  metric: 'costNanos';
  historyDays: number;
  sameWeekdayDays: number;
  weekdayMedianNanos: number | null;
  /** How far the baseline moved from the all-days median to the weekday median (0–1). */
  weekdayWeight: number;
  overallMedianNanos: number;
  /** 1.4826 · MAD of ln(cost), after the floor. */
  robustSigma: number;
  deltaNanos: number;
}

/** Why a rate anomaly fired: the inputs of its rules. */
export interface RateAnomalyDetails {
  metric: 'errorRate' | 'unpricedRate';
  historyDays: number;
  count: number;
  events: number;
  /** 1.4826 · MAD of the daily rates, after the floor. */
  robustSigma: number;
  delta: number;
}

/** Why a reconciliation anomaly fired: the day's comparison with the provider's reports. */
export interface ReconciliationAnomalyDetails {
  metric: 'coverage' | 'pricingDriftNanos';
  /** The threshold the value was judged against (a coverage fraction, or a drift fraction of the bill). */
  threshold: number;
  coverage: { requests: number | null; inputTokens: number | null; outputTokens: number | null };
  ledgerCostNanos: number;
  providerCostNanos: number | null;
  driftNanos: number | null;
  pricingDriftNanos: number | null;
  /** The known causes, e.g. `{kind: 'override', ruleId: 'acme/negotiated'}`. */
  causes: { kind: string; [field: string]: unknown }[];
}

export interface Anomaly {
  /** {@link anomalyId}: one anomaly per project, provider, model, kind and day. */
  id: string;
  kind: AnomalyKind;
  /** The judged day, `YYYY-MM-DD`. */
  period: string;
  project: string;
  provider: string;
  model: string;
  /** The day's value: nano-USD for cost kinds, a fraction (0–1) for rate kinds. */
  value: number;
  /** What the day was expected to be, in the same unit as `value`. */
  baseline: number;
  /** value / baseline; `null` when the baseline is zero. */
  factor: number | null;
  zScore: number;
  /** One human-readable line for notifications. */
  message: string;
  details: CostAnomalyDetails | RateAnomalyDetails | ReconciliationAnomalyDetails;
}

interface Subject {
  project: string;
  provider: string;
  model: string;
  date: string;
}

const zeroDay = (date: string): DailyObservation => ({
  date,
  costNanos: 0,
  count: 0,
  errorCount: 0,
  unpricedCount: 0,
});

function indexHistory(history: readonly DailyObservation[]): Map<string, DailyObservation> {
  const byDate = new Map<string, DailyObservation>();
  for (const day of history) {
    assertDate(day.date);
    for (const field of ['costNanos', 'count', 'errorCount', 'unpricedCount'] as const) {
      if (!Number.isSafeInteger(day[field]) || day[field] < 0) {
        throw new InvalidHistoryError(`${field} must be a non-negative integer`, day.date);
      }
    }
    if (day.errorCount > day.count || day.unpricedCount > day.count) {
      throw new InvalidHistoryError('errorCount and unpricedCount cannot exceed count', day.date);
    }
    if (byDate.has(day.date))
      throw new InvalidHistoryError('more than one observation for the day', day.date);
    byDate.set(day.date, day);
  }
  return byDate;
}

/**
 * Judges one day of a project × model against its trailing history and returns the
 * anomalies found (often none). Pure and deterministic: the same input gives the same
 * anomalies with the same ids, so the anomaly job can re-run safely. See the module comment
 * for the statistics and why each rule is there.
 *
 * @example
 * const anomalies = detectAnomalies({
 *   project: 'acme', provider: 'openai', model: 'gpt-4o', date: '2026-11-21',
 *   history: rollups.map(toDailyObservation),
 * });
 * // [{ kind: 'high_cost', value: 1_000_000_000_000, baseline: 100_000_000_000, factor: 10, ... }]
 */
export function detectAnomalies(input: AnomalyInput): Anomaly[] {
  const options = parseOrThrow(anomalyOptionsSchema, input.options ?? {}, 'anomaly options');
  const subject: Subject = {
    project: input.project,
    provider: input.provider,
    model: input.model,
    date: input.date,
  };
  assertDate(subject.date);
  const byDate = indexHistory(input.history);
  const window = trailingDays(subject.date, options.windowDays);
  const firstActive = window.findIndex((date) => {
    const day = byDate.get(date);
    return day !== undefined && (day.count > 0 || day.costNanos > 0);
  });
  if (firstActive === -1) return [];
  const days = window.slice(firstActive).map((date) => byDate.get(date) ?? zeroDay(date));
  if (days.length < options.minHistoryDays) return [];
  const today = byDate.get(subject.date) ?? zeroDay(subject.date);
  return [
    ...costAnomalies(subject, today, days, options),
    ...rateAnomalies(subject, today, days, options, 'error_rate_spike'),
    ...rateAnomalies(subject, today, days, options, 'unpriced_spike'),
  ];
}

function costAnomalies(
  subject: Subject,
  today: DailyObservation,
  days: DailyObservation[],
  options: AnomalyOptions,
): Anomaly[] {
  const floor = options.costFloorNanos;
  const logCost = (nanos: number) => Math.log(nanos + floor);
  const fromLog = (log: number) => Math.max(0, Math.round(Math.exp(log) - floor));
  const model = fitWeeklyBaseline(
    days.map((day) => ({ date: day.date, value: logCost(day.costNanos) })),
    options.minLogSigma,
  );
  const target = model.forWeekday(weekdayOf(subject.date));
  const zScore = (logCost(today.costNanos) - target.baseline) / model.sigma;
  const value = today.costNanos;
  const baseline = fromLog(target.baseline);
  const delta = value - baseline;

  let kind: AnomalyKind | undefined;
  if (
    value > options.highCostFactor * baseline &&
    delta >= options.minCostDeltaNanos &&
    zScore >= options.zThreshold
  ) {
    kind = 'high_cost';
  } else if (
    baseline >= options.minMaterialBaselineNanos &&
    value < options.lowCostFactor * baseline &&
    -delta >= options.minCostDeltaNanos &&
    zScore <= -options.zThreshold
  ) {
    kind = 'suspiciously_low';
  }
  if (!kind) return [];
  const factor = baseline > 0 ? value / baseline : null;
  const ratio =
    factor === null ? 'against a baseline of' : `${factor.toFixed(factor < 1 ? 3 : 1)}× the baseline of`;
  return [
    {
      id: anomalyId(subject.project, subject.provider, subject.model, kind, subject.date),
      kind,
      period: subject.date,
      project: subject.project,
      provider: subject.provider,
      model: subject.model,
      value,
      baseline,
      factor,
      zScore,
      message: `${subject.project} ${subject.provider}/${subject.model} cost ${formatUsd(value)} on ${subject.date}, ${ratio} ${formatUsd(baseline)}`,
      details: {
        metric: 'costNanos',
        historyDays: days.length,
        sameWeekdayDays: target.days,
        weekdayMedianNanos: target.median === null ? null : fromLog(target.median),
        weekdayWeight: target.weight,
        overallMedianNanos: fromLog(model.overallMedian),
        robustSigma: model.sigma,
        deltaNanos: delta,
      },
    },
  ];
}

function rateAnomalies(
  subject: Subject,
  today: DailyObservation,
  days: DailyObservation[],
  options: AnomalyOptions,
  kind: 'error_rate_spike' | 'unpriced_spike',
): Anomaly[] {
  const rule = kind === 'error_rate_spike' ? options.errorRate : options.unpricedRate;
  const eventsOf = (day: DailyObservation) =>
    kind === 'error_rate_spike' ? day.errorCount : day.unpricedCount;
  const withTraffic = days.filter((day) => day.count > 0);
  if (withTraffic.length < options.minHistoryDays) return [];
  const events = eventsOf(today);
  if (today.count < rule.minRequests || events < rule.minEvents) return [];

  const rates = withTraffic.map((day) => eventsOf(day) / day.count);
  const baseline = median(rates);
  const sigma = Math.max(MAD_TO_SIGMA * medianAbsoluteDeviation(rates), options.minRateSigma);
  const value = events / today.count;
  const delta = value - baseline;
  const zScore = delta / sigma;
  if (!(value >= rule.factor * baseline && delta >= rule.minDelta && zScore >= options.zThreshold)) return [];

  const label = kind === 'error_rate_spike' ? 'error rate' : 'unpriced rate';
  return [
    {
      id: anomalyId(subject.project, subject.provider, subject.model, kind, subject.date),
      kind,
      period: subject.date,
      project: subject.project,
      provider: subject.provider,
      model: subject.model,
      value,
      baseline,
      factor: baseline > 0 ? value / baseline : null,
      zScore,
      message: `${subject.project} ${subject.provider}/${subject.model} ${label} ${formatPercent(value)} (${events} of ${today.count} calls) on ${subject.date}, baseline ${formatPercent(baseline)}`,
      details: {
        metric: kind === 'error_rate_spike' ? 'errorRate' : 'unpricedRate',
        historyDays: withTraffic.length,
        count: today.count,
        events,
        robustSigma: sigma,
        delta,
      },
    },
  ];
}

const formatUsd = (nanos: number) =>
  `$${nanos >= 1_000_000_000 ? nanosToUsd(nanos).toFixed(2) : nanosToUsd(nanos).toPrecision(3)}`;
const formatPercent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/**
 * The observation anomaly detection needs from a daily rollup of one project × provider ×
 * model (not a tag rollup). `count` is the finished calls (success, error, abandoned): calls
 * still in progress have no outcome yet and would dilute the rates.
 *
 * @example
 * detectAnomalies({ ..., history: dailyRollups.map(toDailyObservation) });
 */
export function toDailyObservation(rollup: Rollup): DailyObservation {
  if (rollup.granularity !== 'day' || rollup.tag) {
    throw new InvalidHistoryError('anomaly history needs daily rollups without a tag', rollup.period);
  }
  return {
    date: rollup.period,
    costNanos: rollup.cost.totalNanos,
    count: rollup.successCount + rollup.errorCount + rollup.abandonedCount,
    errorCount: rollup.errorCount,
    unpricedCount: rollup.unpricedCount,
  };
}
