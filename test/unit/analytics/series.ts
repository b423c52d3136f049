/** Synthetic daily series for anomaly tests: deterministic, seeded, no wall clock. */
import {
  type Anomaly,
  addDays,
  type DailyObservation,
  detectAnomalies,
} from '../../../shared/domain/analytics';

export const USD = 1_000_000_000;
/** A Monday. */
export const START = '2026-01-05';

/** mulberry32: a tiny seeded PRNG, so every "random" series is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A factor uniform in [1 − spread, 1 + spread]. */
export const noise = (random: () => number, spread: number) => 1 + spread * (2 * random() - 1);

/** Events out of `count` trials of probability `p`. */
export function binomial(random: () => number, count: number, p: number): number {
  let events = 0;
  for (let trial = 0; trial < count; trial += 1) if (random() < p) events += 1;
  return events;
}

export const isWeekend = (index: number) => index % 7 === 5 || index % 7 === 6;

export interface DayShape {
  costUsd: number;
  count?: number;
  errorCount?: number;
  unpricedCount?: number;
}

/** `days` observations from {@link START}; `shape(index)` describes day `index` (0 = a Monday). */
export function buildSeries(
  days: number,
  shape: (index: number) => DayShape | undefined,
): DailyObservation[] {
  return Array.from({ length: days }, (_, index) => [index, shape(index)] as const).flatMap(([index, day]) =>
    day === undefined
      ? []
      : [
          {
            date: addDays(START, index),
            costNanos: Math.round(day.costUsd * USD),
            count: day.count ?? 1000,
            errorCount: day.errorCount ?? 10,
            unpricedCount: day.unpricedCount ?? 0,
          },
        ],
  );
}

export const SUBJECT = { project: 'acme', provider: 'openai', model: 'gpt-4o' } as const;

/** Runs detection for each day from `fromIndex` to `toIndex` (inclusive), as the daily job would. */
export function scan(series: DailyObservation[], fromIndex: number, toIndex: number): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (let index = fromIndex; index <= toIndex; index += 1) {
    const date = addDays(START, index);
    anomalies.push(
      ...detectAnomalies({ ...SUBJECT, date, history: series.filter((day) => day.date <= date) }),
    );
  }
  return anomalies;
}
