/**
 * Small robust statistics, deterministic and independent of input order (inputs are sorted
 * first). NaN and infinite values are the caller's bug; they are rejected by the callers.
 */

/** Scales a median absolute deviation to the standard deviation of a normal distribution. */
export const MAD_TO_SIGMA = 1.4826;

const ascending = (a: number, b: number) => a - b;

/**
 * Median; the mean of the two middle values for an even count, NaN for no values.
 *
 * @example
 * median([3, 1, 2, 10]); // 2.5
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort(ascending);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Median absolute deviation from the median: a spread measure that a few outliers cannot move.
 *
 * @example
 * medianAbsoluteDeviation([1, 2, 3, 4, 100]); // 1
 */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((value) => Math.abs(value - center)));
}

/**
 * Nearest-rank percentile: the smallest observed value such that at least `p`% of all
 * observations are less than or equal to it, i.e. the value at 1-based rank ⌈p/100 · N⌉ of
 * the sorted observations. Always an observed value (no interpolation), so it is exact for
 * integer latencies and the same for any order of the input. `undefined` for no observations.
 *
 * Takes a histogram (value → how many times it was observed) so that millions of samples
 * with few distinct values cost little memory.
 *
 * @example
 * nearestRankPercentiles(new Map([[100, 98], [900, 2]]), [50, 99]); // [100, 900]
 */
export function nearestRankPercentiles(
  histogram: ReadonlyMap<number, number>,
  percents: readonly number[],
): (number | undefined)[] {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return percents.map(() => undefined);
  const values = [...histogram.keys()].sort(ascending);
  return percents.map((percent) => {
    // percent × total is an exact integer for integer percents, so the rank has no rounding error.
    const rank = Math.max(1, Math.ceil((percent * total) / 100));
    let seen = 0;
    for (const value of values) {
      seen += histogram.get(value)!;
      if (seen >= rank) return value;
    }
    return values[values.length - 1];
  });
}
