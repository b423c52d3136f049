import fc from 'fast-check';
import {
  addDays,
  aggregateRollups,
  anomalyId,
  detectAnomalies,
  InvalidAnalyticsInputError,
  InvalidHistoryError,
  type RollupSourceRecord,
  toDailyObservation,
  weekdayOf,
} from '../../../shared/domain/analytics';
import { binomial, buildSeries, isWeekend, noise, START, SUBJECT, scan, seededRandom, USD } from './series';

const kinds = (anomalies: { kind: string; period: string }[]) =>
  anomalies.map((a) => `${a.period} ${a.kind}`);
const dateAt = (index: number) => addDays(START, index);

describe('detectAnomalies: quiet series', () => {
  it('a steady series never alarms', () => {
    const series = buildSeries(90, () => ({ costUsd: 100 }));
    expect(scan(series, 0, 89)).toEqual([]);
  });

  it('a weekly pattern with much lower weekends never alarms, with short or long history', () => {
    const random = seededRandom(7);
    const series = buildSeries(120, (index) =>
      isWeekend(index)
        ? { costUsd: 5 * noise(random, 0.2), count: 50, errorCount: binomial(random, 50, 0.01) }
        : { costUsd: 100 * noise(random, 0.2), count: 1000, errorCount: binomial(random, 1000, 0.01) },
    );
    expect(START).toBe('2026-01-05');
    expect(weekdayOf(dateAt(5))).toBe(6);
    // From the first day that has 7 days of history: every weekday/weekend transition is seen.
    expect(scan(series, 7, 119)).toEqual([]);
  });

  it('a normal Saturday is not suspiciously_low and a normal Monday is not high_cost', () => {
    const series = buildSeries(36, (index) => ({ costUsd: isWeekend(index) ? 3 : 100 }));
    const saturday = 33;
    const monday = 35;
    expect(weekdayOf(dateAt(saturday))).toBe(6);
    expect(weekdayOf(dateAt(monday))).toBe(1);
    for (const index of [saturday, monday]) {
      const history = series.filter((day) => day.date <= dateAt(index));
      expect(detectAnomalies({ ...SUBJECT, date: dateAt(index), history })).toEqual([]);
    }
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])(
    'a series with ±40%% noise has no false positive over 60 days (seed %i)',
    (seed) => {
      const random = seededRandom(seed);
      const series = buildSeries(88, () => ({
        costUsd: 50 * noise(random, 0.4),
        count: 500,
        errorCount: binomial(random, 500, 0.02),
        unpricedCount: binomial(random, 500, 0.005),
      }));
      expect(scan(series, 28, 87)).toEqual([]);
    },
  );

  it('a weekly pattern with ±40% noise has no false positive either', () => {
    for (let seed = 100; seed < 110; seed += 1) {
      const random = seededRandom(seed);
      const series = buildSeries(88, (index) => ({
        costUsd: (isWeekend(index) ? 8 : 80) * noise(random, 0.4),
      }));
      expect(scan(series, 7, 87)).toEqual([]);
    }
  });

  it('a volatile series where 3× days are routine rarely alarms: the robust z-score guards the ratio rule', () => {
    let days = 0;
    let routineSpikes = 0;
    let alarms = 0;
    for (let seed = 200; seed < 230; seed += 1) {
      const random = seededRandom(seed);
      // ln(cost) spreads with σ ≈ 0.5 (bounded at ±1.5): about 1% of days exceed 3× the median.
      const series = buildSeries(88, () => ({
        costUsd: 100 * Math.exp(random() + random() + random() - 1.5),
      }));
      routineSpikes += series.filter((day, index) => index >= 28 && day.costNanos > 300 * USD).length;
      alarms += scan(series, 28, 87).length;
      days += 60;
    }
    // The ratio rule alone would fire on each routine spike; the z-score keeps most quiet.
    expect(routineSpikes).toBeGreaterThanOrEqual(15);
    expect(alarms).toBeLessThanOrEqual(routineSpikes / 5);
    expect(alarms / days).toBeLessThan(0.002);
    // The same 3.3× day on a steady series does alarm.
    const steady = buildSeries(40, (index) => ({ costUsd: index === 39 ? 330 : 100 }));
    expect(kinds(scan(steady, 39, 39))).toEqual([`${dateAt(39)} high_cost`]);
  });

  it('tiny amounts do not alarm: a 10× jump of a few cents, a near-zero baseline dropping to nothing', () => {
    const cents = buildSeries(40, (index) => ({ costUsd: index === 35 ? 0.5 : 0.05 }));
    expect(scan(cents, 7, 39)).toEqual([]);
    const small = buildSeries(40, (index) => ({ costUsd: index >= 35 ? 0 : 0.6 }));
    expect(scan(small, 7, 39)).toEqual([]);
  });
});

describe('detectAnomalies: what must alarm', () => {
  it('a 10× spike raises exactly one high_cost, on its day', () => {
    const random = seededRandom(42);
    const series = buildSeries(90, (index) => ({
      costUsd: (index === 40 ? 1000 : 100) * noise(random, 0.1),
    }));
    const anomalies = scan(series, 7, 89);
    expect(kinds(anomalies)).toEqual([`${dateAt(40)} high_cost`]);
    const [spike] = anomalies;
    expect(spike).toMatchObject({
      ...SUBJECT,
      period: dateAt(40),
      id: anomalyId('acme', 'openai', 'gpt-4o', 'high_cost', dateAt(40)),
    });
    expect(spike!.factor).toBeGreaterThan(8);
    expect(spike!.factor).toBeLessThan(12);
    expect(spike!.zScore).toBeGreaterThan(3.5);
    expect(spike!.details).toMatchObject({ metric: 'costNanos', historyDays: 28, sameWeekdayDays: 4 });
    expect(spike!.message).toMatch(
      /^acme openai\/gpt-4o cost \$\d+\.\d\d on 2026-02-14, \d+\.\d× the baseline of \$\d+\.\d\d$/,
    );
  });

  it('a drop to 5% raises suspiciously_low', () => {
    const series = buildSeries(60, (index) => ({ costUsd: index === 40 ? 5 : 100 }));
    const anomalies = scan(series, 7, 59);
    expect(kinds(anomalies)).toEqual([`${dateAt(40)} suspiciously_low`]);
    expect(anomalies[0]).toMatchObject({ value: 5 * USD, baseline: 100 * USD, factor: 0.05 });
  });

  it('a model that stops being called shows up as suspiciously_low (no rollup on the day)', () => {
    const series = buildSeries(30, () => ({ costUsd: 100 }));
    const anomalies = detectAnomalies({ ...SUBJECT, date: dateAt(30), history: series });
    expect(kinds(anomalies)).toEqual([`${dateAt(30)} suspiciously_low`]);
    expect(anomalies[0]!.value).toBe(0);
  });

  it('a spike on a low weekend day is judged against weekends', () => {
    const series = buildSeries(40, (index) => ({ costUsd: index === 33 ? 50 : isWeekend(index) ? 5 : 100 }));
    expect(kinds(scan(series, 7, 39))).toEqual([`${dateAt(33)} high_cost`]);
  });

  it('an error-rate spike raises error_rate_spike and nothing else', () => {
    const random = seededRandom(3);
    const series = buildSeries(60, (index) => ({
      costUsd: 100,
      count: 1000,
      errorCount: index === 45 ? 300 : binomial(random, 1000, 0.01),
    }));
    const anomalies = scan(series, 7, 59);
    expect(kinds(anomalies)).toEqual([`${dateAt(45)} error_rate_spike`]);
    expect(anomalies[0]).toMatchObject({
      value: 0.3,
      details: { metric: 'errorRate', count: 1000, events: 300 },
    });
    expect(anomalies[0]!.baseline).toBeLessThan(0.02);
  });

  it('an unpriced spike (a new model priced at $0) raises unpriced_spike', () => {
    const series = buildSeries(60, (index) => ({
      costUsd: 100,
      count: 800,
      unpricedCount: index === 50 ? 200 : 0,
    }));
    const anomalies = scan(series, 7, 59);
    expect(kinds(anomalies)).toEqual([`${dateAt(50)} unpriced_spike`]);
    expect(anomalies[0]).toMatchObject({ value: 0.25, baseline: 0, factor: null });
  });

  it('rates need enough traffic on the day: 3 errors of 4 calls is not a spike', () => {
    const series = buildSeries(40, (index) =>
      index === 35
        ? { costUsd: 100, count: 4, errorCount: 3 }
        : { costUsd: 100, count: 1000, errorCount: 10 },
    );
    expect(kinds(scan(series, 35, 35))).toEqual([]);
  });
});

describe('detectAnomalies: history', () => {
  it('a new project with no history is quiet', () => {
    expect(detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: [] })).toEqual([]);
    const firstDay = [
      { date: '2026-11-21', costNanos: 1000 * USD, count: 1000, errorCount: 900, unpricedCount: 500 },
    ];
    expect(detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: firstDay })).toEqual([]);
  });

  it('needs 7 days since the first traffic before alarming', () => {
    const series = buildSeries(20, (index) =>
      index < 10 ? undefined : { costUsd: index === 16 || index === 17 ? 1000 : 100 },
    );
    // Day 16 has 6 days of history: quiet; day 17 has 7: alarms.
    expect(kinds(scan(series, 10, 19))).toEqual([`${dateAt(17)} high_cost`]);
  });

  it('is deterministic and independent of history order', () => {
    const series = buildSeries(40, (index) => ({
      costUsd: index === 39 ? 900 : 100,
      errorCount: index === 39 ? 400 : 10,
    }));
    const date = dateAt(39);
    const expected = detectAnomalies({ ...SUBJECT, date, history: series });
    expect(expected.map((a) => a.kind)).toEqual(['high_cost', 'error_rate_spike']);
    fc.assert(
      fc.property(fc.shuffledSubarray(series, { minLength: series.length }), (shuffled) => {
        expect(detectAnomalies({ ...SUBJECT, date, history: shuffled })).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('ignores days after the target day', () => {
    const series = buildSeries(60, (index) => ({ costUsd: index === 40 ? 1000 : 100 }));
    const pastOnly = detectAnomalies({ ...SUBJECT, date: dateAt(40), history: series.slice(0, 41) });
    expect(detectAnomalies({ ...SUBJECT, date: dateAt(40), history: series })).toEqual(pastOnly);
  });

  it('rejects inconsistent history and unknown options', () => {
    const day = { date: '2026-11-20', costNanos: 1, count: 1, errorCount: 0, unpricedCount: 0 };
    expect(() => detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: [day, day] })).toThrow(
      InvalidHistoryError,
    );
    expect(() =>
      detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: [{ ...day, errorCount: 2 }] }),
    ).toThrow(InvalidHistoryError);
    expect(() =>
      detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: [{ ...day, costNanos: 0.5 }] }),
    ).toThrow(InvalidHistoryError);
    expect(() =>
      detectAnomalies({ ...SUBJECT, date: '2026-11-21', history: [], options: { zThreshhold: 2 } as never }),
    ).toThrow(InvalidAnalyticsInputError);
  });

  it('options change the rules', () => {
    const series = buildSeries(40, (index) => ({ costUsd: index === 39 ? 250 : 100 }));
    expect(detectAnomalies({ ...SUBJECT, date: dateAt(39), history: series })).toEqual([]);
    const anomalies = detectAnomalies({
      ...SUBJECT,
      date: dateAt(39),
      history: series,
      options: { highCostFactor: 2 },
    });
    expect(kinds(anomalies)).toEqual([`${dateAt(39)} high_cost`]);
  });
});

describe('anomalyId and toDailyObservation', () => {
  it('one id per project, provider, model, kind and day; URL-safe', () => {
    const id = anomalyId('acme', 'openai', 'gpt-4o', 'high_cost', '2026-11-21');
    expect(id).toBe(anomalyId('acme', 'openai', 'gpt-4o', 'high_cost', '2026-11-21'));
    expect(id).toMatch(/^2026-11-21-high_cost-[0-9a-f]{20}$/);
    expect(
      new Set([
        id,
        anomalyId('acme', 'openai', 'gpt-4o', 'suspiciously_low', '2026-11-21'),
        anomalyId('acme', 'openai', 'gpt-4o', 'high_cost', '2026-11-22'),
        anomalyId('acme', 'openai', 'gpt-4o-mini', 'high_cost', '2026-11-21'),
        anomalyId('acme2', 'openai', 'gpt-4o', 'high_cost', '2026-11-21'),
        anomalyId('acme', 'openai', '2gpt-4o', 'high_cost', '2026-11-21'),
        anomalyId('acme', 'azure', 'gpt-4o', 'high_cost', '2026-11-21'),
      ]).size,
    ).toBe(7);
  });

  it('reads a daily rollup: finished calls only in the rate denominator', () => {
    const record = (status: RollupSourceRecord['status'], priced: boolean): RollupSourceRecord => ({
      ...SUBJECT,
      status,
      timestamp: '2026-11-21T12:00:00Z',
      cost: {
        priced,
        inputNanos: 0,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 7,
        reasoningNanos: 0,
        totalNanos: 7,
        ...(priced ? {} : { unpricedReason: 'unknown_model' }),
      },
    });
    const rollups = aggregateRollups(
      [
        record('success', true),
        record('success', false),
        record('error', true),
        record('in_progress', false),
      ],
      { granularities: ['day', 'hour'], groupByTags: ['team'] },
    );
    const daily = rollups.find((rollup) => rollup.granularity === 'day' && !rollup.tag)!;
    expect(toDailyObservation(daily)).toEqual({
      date: '2026-11-21',
      costNanos: 28,
      count: 3,
      errorCount: 1,
      unpricedCount: 1,
    });
    const hourly = rollups.find((rollup) => rollup.granularity === 'hour')!;
    expect(() => toDailyObservation(hourly)).toThrow(InvalidHistoryError);
  });
});
