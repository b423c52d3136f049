import { addDays, fitWeeklyBaseline, weekdayOf } from '../../../shared/domain/analytics';
import { isWeekend, noise, START, seededRandom } from './series';

const points = (days: number, value: (index: number) => number) =>
  Array.from({ length: days }, (_, index) => ({ date: addDays(START, index), value: value(index) }));

describe('fitWeeklyBaseline', () => {
  it('follows a strong weekly pattern: a Saturday is compared with Saturdays', () => {
    const random = seededRandom(1);
    const model = fitWeeklyBaseline(
      points(28, (index) => Math.log((isWeekend(index) ? 5 : 100) * noise(random, 0.2))),
      0.1,
    );
    const saturday = model.forWeekday(6);
    expect(saturday.days).toBe(4);
    expect(saturday.weight).toBeGreaterThan(0.95);
    expect(Math.exp(saturday.baseline)).toBeGreaterThan(4);
    expect(Math.exp(saturday.baseline)).toBeLessThan(6.5);
    expect(Math.exp(model.forWeekday(1).baseline)).toBeGreaterThan(80);
  });

  it('ignores chance differences between weekdays of a series without a weekly pattern', () => {
    const random = seededRandom(2);
    const model = fitWeeklyBaseline(
      points(28, () => Math.log(100 * Math.exp(random() + random() + random() - 1.5))),
      0.1,
    );
    for (let weekday = 0; weekday < 7; weekday += 1) {
      expect(model.forWeekday(weekday).weight).toBeLessThan(0.5);
    }
    expect(model.sigma).toBeGreaterThan(0.3);
  });

  it('a steady series has the floor as its spread and its level as every baseline', () => {
    const model = fitWeeklyBaseline(
      points(10, () => Math.log(100)),
      0.1,
    );
    expect(model.sigma).toBe(0.1);
    for (let weekday = 0; weekday < 7; weekday += 1)
      expect(model.forWeekday(weekday).baseline).toBeCloseTo(Math.log(100));
  });

  it('falls back to the all-days median for a weekday not in the history', () => {
    const model = fitWeeklyBaseline(
      points(3, (index) => index),
      0.1,
    );
    const missing = [0, 1, 2, 3, 4, 5, 6].find(
      (weekday) => ![0, 1, 2].some((index) => weekdayOf(addDays(START, index)) === weekday),
    )!;
    expect(model.forWeekday(missing)).toEqual({ days: 0, median: null, weight: 0, baseline: 1 });
  });
});
