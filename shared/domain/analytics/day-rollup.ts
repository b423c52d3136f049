/**
 * A project's day rolled up at three levels (per model and tag, per provider, project total),
 * summable in slices: each slice of the day's records (one index shard × one hour) becomes a
 * {@link DayRollupPartial}, and merging every slice's partial gives exactly what summing all the
 * records at once gives (integer sums, latency histograms). Slices hold hour groups only; day
 * groups are derived from them when the rollups are taken, so a partial carries each record once.
 */
import { RollupOverflowError } from './errors';
import type { Granularity } from './period';
import { periodOf } from './period';
import { type Rollup, RollupAccumulator, type RollupPartialGroup, type RollupSourceRecord } from './rollup';

/** How much a rollup sums: one model (optionally per tag value), a provider's models, or the project. */
export type RollupLevel = 'model' | 'provider' | 'project';

/** Provider/model value of the summed-over dimensions in provider and project totals. */
export const ALL = '*';

export interface LeveledRollup {
  level: RollupLevel;
  rollup: Rollup;
}

/** One slice's sums as plain data (JSON-safe): hour groups per level, and what the slice read. */
export interface DayRollupPartial {
  date: string;
  /** Records summed. */
  records: number;
  /** Records in the slice whose timestamp names another day (not summed). */
  skipped: number;
  model: RollupPartialGroup[];
  provider: RollupPartialGroup[];
  project: RollupPartialGroup[];
}

const LEVELS: RollupLevel[] = ['model', 'provider', 'project'];

/**
 * Sums one project's day, from records ({@link DayRollup.add}) or from slices' partials
 * ({@link DayRollup.merge}), in any order and any split.
 *
 * @example
 * const slice = new DayRollup('2026-11-21', ['team']);
 * for (const record of sliceRecords) slice.add(record);
 * const reduce = new DayRollup('2026-11-21', ['team']).merge(slice.toPartial());
 * reduce.rollups(['day', 'hour']); // the day's rollups at every level
 */
export class DayRollup {
  readonly #date: string;
  readonly #hours: Record<RollupLevel, RollupAccumulator>;
  #records = 0;
  #skipped = 0;

  public constructor(date: string, tagKeys: readonly string[] = []) {
    this.#date = date;
    this.#hours = {
      model: new RollupAccumulator({ granularities: ['hour'], groupByTags: tagKeys }),
      provider: new RollupAccumulator({ granularities: ['hour'] }),
      project: new RollupAccumulator({ granularities: ['hour'] }),
    };
  }

  /** Records summed so far (merged partials included). */
  public get records(): number {
    return this.#records;
  }

  /** Records seen whose timestamp names another day (not summed). */
  public get skipped(): number {
    return this.#skipped;
  }

  /** Adds one record of the day; a record whose timestamp names another day is counted as skipped. */
  public add(record: RollupSourceRecord): boolean {
    // The index partition is the stored day; a record is summed into the day its timestamp names.
    if (periodOf(record.timestamp, 'day') !== this.#date) {
      this.#skipped += 1;
      return false;
    }
    this.#hours.model.add(record);
    this.#hours.provider.add({ ...record, model: ALL, tags: undefined });
    this.#hours.project.add({ ...record, provider: ALL, model: ALL, tags: undefined });
    this.#records += 1;
    return true;
  }

  /** The sums so far as plain data, for another process to {@link DayRollup.merge}. */
  public toPartial(): DayRollupPartial {
    return {
      date: this.#date,
      records: this.#records,
      skipped: this.#skipped,
      model: this.#hours.model.toPartial(),
      provider: this.#hours.provider.toPartial(),
      project: this.#hours.project.toPartial(),
    };
  }

  /** Adds a slice's partial of the same day. */
  public merge(partial: DayRollupPartial): this {
    if (partial.date !== this.#date) {
      throw new RangeError(`partial of ${partial.date} merged into ${this.#date}`);
    }
    for (const level of LEVELS) this.#hours[level].merge(partial[level]);
    this.#records = addCount(this.#records, partial.records, 'records');
    this.#skipped = addCount(this.#skipped, partial.skipped, 'skipped');
    return this;
  }

  /** The day's rollups in the given granularities, at every level; day groups derived from the hours. */
  public rollups(granularities: readonly Granularity[]): LeveledRollup[] {
    const leveled: LeveledRollup[] = [];
    for (const level of LEVELS) {
      const hours = this.#hours[level];
      if (granularities.includes('hour')) {
        for (const rollup of hours.rollups()) leveled.push({ level, rollup });
      }
      if (granularities.includes('day')) {
        const day = new RollupAccumulator({ granularities: ['day'] }).merge(
          hours.toPartial(),
          (dimensions) => ({
            ...dimensions,
            granularity: 'day',
            period: dimensions.period.slice(0, 10),
          }),
        );
        for (const rollup of day.rollups()) leveled.push({ level, rollup });
      }
    }
    return leveled;
  }
}

function addCount(sum: number, value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`partial ${field} is not a count: ${value}`);
  const result = sum + value;
  if (!Number.isSafeInteger(result)) throw new RollupOverflowError(field, 'day rollup');
  return result;
}
