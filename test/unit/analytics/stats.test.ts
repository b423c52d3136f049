import fc from 'fast-check';
import { median, medianAbsoluteDeviation, nearestRankPercentiles } from '../../../shared/domain/analytics';

const histogramOf = (values: number[]) => {
  const histogram = new Map<number, number>();
  for (const value of values) histogram.set(value, (histogram.get(value) ?? 0) + 1);
  return histogram;
};

describe('robust statistics', () => {
  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
    expect(medianAbsoluteDeviation([5, 5, 5, 5])).toBe(0);
  });

  it.each([
    [
      [15, 20, 35, 40, 50],
      [30, 40, 50, 100],
      [20, 20, 35, 50],
    ],
    [[1], [50, 95, 99], [1, 1, 1]],
    [Array.from({ length: 100 }, (_, index) => index + 1), [50, 95, 99], [50, 95, 99]],
    [
      [...Array<number>(98).fill(100), 900, 900],
      [50, 95, 99],
      [100, 100, 900],
    ],
  ])('nearest rank of %p at %p is %p', (values, percents, expected) => {
    expect(nearestRankPercentiles(histogramOf(values), percents)).toEqual(expected);
  });

  it('has no percentile without observations', () => {
    expect(nearestRankPercentiles(new Map(), [50])).toEqual([undefined]);
  });

  it('nearest rank is the sorted value at rank ⌈p·N/100⌉, an observed value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (values, percent) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [value] = nearestRankPercentiles(histogramOf(values), [percent]);
          expect(value).toBe(sorted[Math.ceil((percent * values.length) / 100) - 1]);
          expect(values.filter((v) => v <= value!).length / values.length).toBeGreaterThanOrEqual(
            percent / 100,
          );
        },
      ),
    );
  });
});
