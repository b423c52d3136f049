/**
 * A weekly baseline for a daily series (already on a log scale): the all-days median, moved
 * towards the same-weekday median by as much as the data supports.
 *
 * The same-weekday median follows the weekly pattern but rests on few points (4 in 28 days);
 * the all-days median rests on all of them but ignores the pattern. They are blended with an
 * empirical-Bayes weight per weekday, `λ = τ² / (τ² + v)`:
 * - `v` is the sampling variance of that weekday's median, `(π/2)·σ²/n` for `n` days with
 *   noise spread `σ`;
 * - `τ²` is how much the weekday medians really differ, estimated as their mean squared
 *   distance from the all-days median minus the mean sampling variance (at least 0).
 *
 * A strong weekly pattern (weekends a tenth of weekdays) gives λ ≈ 1: a Saturday is compared
 * with Saturdays. A series without one gives λ ≈ 0: four random Thursdays do not make a
 * "Thursday level", and the steadier all-days median is used. A fixed blend cannot do both:
 * it either flags normal weekends as drops or chases noise in volatile series.
 */
import { weekdayOf } from './period';
import { MAD_TO_SIGMA, median, medianAbsoluteDeviation } from './stats';

export interface WeeklyPoint {
  date: string;
  value: number;
}

export interface WeekdayBaseline {
  /** History days on this weekday. */
  days: number;
  /** Median of those days, `null` when there are none. */
  median: number | null;
  /** λ: how far the baseline moves from the all-days median to the weekday median (0–1). */
  weight: number;
  baseline: number;
}

export interface WeeklyBaseline {
  overallMedian: number;
  /** Robust spread of the history around its own baselines: the z-score's denominator. */
  sigma: number;
  forWeekday(weekday: number): WeekdayBaseline;
}

/**
 * Fits the weekly baseline of a history. Pure; the result does not depend on point order.
 *
 * @example
 * const model = fitWeeklyBaseline(days.map((day) => ({ date: day.date, value: Math.log(day.cost) })), 0.1);
 * const expected = model.forWeekday(weekdayOf('2026-11-21')).baseline;
 */
export function fitWeeklyBaseline(points: readonly WeeklyPoint[], minSigma: number): WeeklyBaseline {
  const overallMedian = median(points.map((point) => point.value));
  const byWeekday = new Map<number, number[]>();
  for (const point of points) {
    const weekday = weekdayOf(point.date);
    byWeekday.set(weekday, [...(byWeekday.get(weekday) ?? []), point.value]);
  }
  const weekdayMedians = new Map([...byWeekday].map(([weekday, values]) => [weekday, median(values)]));

  // Spread within weekdays, from weekdays seen at least twice. Residuals from an in-sample
  // median are too small by about √((n−1)/n), hence the correction. With one week of history
  // no weekday repeats, and the spread around the all-days median stands in (an overestimate
  // when there is a weekly pattern, which only makes the weights more cautious).
  const within = [...byWeekday].flatMap(([weekday, values]) =>
    values.length < 2
      ? []
      : values.map(
          (value) => (value - weekdayMedians.get(weekday)!) * Math.sqrt(values.length / (values.length - 1)),
        ),
  );
  const flat = points.map((point) => point.value - overallMedian);
  const sigmaWithin = Math.max(
    MAD_TO_SIGMA * medianAbsoluteDeviation(within.length > 0 ? within : flat),
    minSigma,
  );
  // The weights use the larger of the within-weekday and all-days spreads: a weekday median
  // of 4 points has a noisy spread, and underestimating it lets chance differences between
  // weekdays pass for a weekly pattern. A real pattern is far larger than either spread.
  const sigmaNoise = Math.max(sigmaWithin, MAD_TO_SIGMA * medianAbsoluteDeviation(flat));

  const samplingVariance = (days: number) => ((Math.PI / 2) * sigmaNoise ** 2) / days;
  const weekdays = [...byWeekday.keys()];
  const meanSquaredEffect =
    weekdays.reduce((sum, weekday) => sum + (weekdayMedians.get(weekday)! - overallMedian) ** 2, 0) /
    weekdays.length;
  const meanSamplingVariance =
    weekdays.reduce((sum, weekday) => sum + samplingVariance(byWeekday.get(weekday)!.length), 0) /
    weekdays.length;
  const tau2 = Math.max(0, meanSquaredEffect - meanSamplingVariance);

  const baselines = new Map<number, WeekdayBaseline>();
  for (let weekday = 0; weekday < 7; weekday += 1) {
    const days = byWeekday.get(weekday)?.length ?? 0;
    const weekdayMedian = weekdayMedians.get(weekday) ?? null;
    const weight = weekdayMedian === null || tau2 === 0 ? 0 : tau2 / (tau2 + samplingVariance(days));
    const baseline =
      weekdayMedian === null ? overallMedian : overallMedian + weight * (weekdayMedian - overallMedian);
    baselines.set(weekday, { days, median: weekdayMedian, weight, baseline });
  }

  // The z-score's spread: deviations from the baselines actually used, never below the
  // within-weekday spread (in-sample deviations from a weekday median understate it).
  const residuals = points.map((point) => point.value - baselines.get(weekdayOf(point.date))!.baseline);
  const sigma = Math.max(MAD_TO_SIGMA * medianAbsoluteDeviation(residuals), sigmaWithin);

  return { overallMedian, sigma, forWeekday: (weekday) => baselines.get(weekday)! };
}
