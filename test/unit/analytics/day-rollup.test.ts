import fc from 'fast-check';
import {
  ALL,
  DayRollup,
  type DayRollupPartial,
  InvalidRollupRecordError,
  type LeveledRollup,
  RollupAccumulator,
  type RollupSourceRecord,
  rollupKey,
} from '../../../shared/domain/analytics';
import { recordArb } from './records';

const DATE = '2026-11-21';
const TAGS = ['team'];

/** The one-pass reference: every record of the day summed at once, day and hour, no partials. */
function recompute(records: RollupSourceRecord[]): LeveledRollup[] {
  const model = new RollupAccumulator({ granularities: ['day', 'hour'], groupByTags: TAGS });
  const provider = new RollupAccumulator({ granularities: ['day', 'hour'] });
  const project = new RollupAccumulator({ granularities: ['day', 'hour'] });
  for (const record of records) {
    if (new Date(record.timestamp).toISOString().slice(0, 10) !== DATE) continue;
    model.add(record);
    provider.add({ ...record, model: ALL, tags: undefined });
    project.add({ ...record, provider: ALL, model: ALL, tags: undefined });
  }
  return [
    ...model.rollups().map((rollup) => ({ level: 'model' as const, rollup })),
    ...provider.rollups().map((rollup) => ({ level: 'provider' as const, rollup })),
    ...project.rollups().map((rollup) => ({ level: 'project' as const, rollup })),
  ];
}

const sorted = (rollups: LeveledRollup[]) =>
  rollups
    .map((entry) => ({ key: `${entry.level} ${rollupKey(entry.rollup)}`, entry }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ entry }) => entry);

/** Records of one project, split into `slices` (each record's slice chosen by the arbitrary). */
const slicedDayArb = fc
  .array(fc.tuple(recordArb, fc.nat({ max: 15 })), { maxLength: 150 })
  .map((pairs) => pairs.map(([record, slice]) => ({ record: { ...record, project: 'acme' }, slice })));

/** Sums each slice on its own, through JSON as the bucket carries it. */
function partialsOf(pairs: { record: RollupSourceRecord; slice: number }[]): DayRollupPartial[] {
  const slices = new Map<number, DayRollup>();
  for (const { record, slice } of pairs) {
    let sums = slices.get(slice);
    if (!sums) {
      sums = new DayRollup(DATE, TAGS);
      slices.set(slice, sums);
    }
    sums.add(record);
  }
  return [...slices.values()].map((sums) => JSON.parse(JSON.stringify(sums.toPartial())) as DayRollupPartial);
}

describe('DayRollup: a day summed in slices and reduced', () => {
  it('equals the one-pass recompute to the nano-dollar, however the records are sliced', () => {
    fc.assert(
      fc.property(slicedDayArb, (pairs) => {
        const reduced = new DayRollup(DATE, TAGS);
        for (const partial of partialsOf(pairs)) reduced.merge(partial);
        expect(sorted(reduced.rollups(['day', 'hour']))).toEqual(
          sorted(recompute(pairs.map((pair) => pair.record))),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same rollups whatever order the partials are merged in, and again on a re-run', () => {
    fc.assert(
      fc.property(
        slicedDayArb.chain((pairs) => {
          const partials = partialsOf(pairs);
          return fc.tuple(
            fc.constant(partials),
            fc.shuffledSubarray(partials, { minLength: partials.length }),
          );
        }),
        ([partials, shuffled]) => {
          const first = new DayRollup(DATE, TAGS);
          for (const partial of partials) first.merge(partial);
          const second = new DayRollup(DATE, TAGS);
          for (const partial of shuffled) second.merge(partial);
          expect(second.rollups(['day', 'hour'])).toEqual(first.rollups(['day', 'hour']));
          expect(first.rollups(['day', 'hour'])).toEqual(first.rollups(['day', 'hour']));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('counts a late record in the rollup of the day its timestamp names, once', () => {
    fc.assert(
      fc.property(slicedDayArb, recordArb, (pairs, late) => {
        const onDay = { ...late, project: 'acme', timestamp: `${DATE}T23:59:59.999Z` };
        const before = new DayRollup(DATE, TAGS);
        for (const partial of partialsOf(pairs)) before.merge(partial);
        const after = new DayRollup(DATE, TAGS);
        for (const partial of partialsOf([...pairs, { record: onDay, slice: 3 }])) after.merge(partial);
        const total = (sums: DayRollup) =>
          sums.rollups(['day']).find((entry) => entry.level === 'project')?.rollup ?? {
            count: 0,
            cost: { totalNanos: 0 },
          };
        expect(total(after).count).toBe(total(before).count + 1);
        expect(total(after).cost.totalNanos).toBe(total(before).cost.totalNanos + onDay.cost.totalNanos);
      }),
      { numRuns: 100 },
    );
  });

  it('skips records whose timestamp names another day, and says how many', () => {
    const sums = new DayRollup(DATE);
    const base = { project: 'acme', provider: 'openai', model: 'gpt-4o', status: 'success' as const };
    const cost = {
      priced: true,
      inputNanos: 1,
      cachedInputNanos: 0,
      cacheWriteNanos: 0,
      outputNanos: 1,
      reasoningNanos: 0,
      totalNanos: 2,
    };
    expect(sums.add({ ...base, timestamp: `${DATE}T10:00:00Z`, cost })).toBe(true);
    expect(sums.add({ ...base, timestamp: '2026-11-22T00:30:00+02:00', cost })).toBe(true);
    expect(sums.add({ ...base, timestamp: '2026-11-22T00:00:00Z', cost })).toBe(false);
    expect(sums.toPartial()).toMatchObject({ records: 2, skipped: 1 });
  });

  it('refuses a partial of another day or with a value no record could produce', () => {
    const partial = new DayRollup(DATE).toPartial();
    expect(() => new DayRollup('2026-11-22').merge(partial)).toThrow(RangeError);
    const sums = new DayRollup(DATE);
    sums.add({
      project: 'acme',
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      timestamp: `${DATE}T10:00:00Z`,
      latencyMs: 120,
      cost: {
        priced: true,
        inputNanos: 5,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 0,
        reasoningNanos: 0,
        totalNanos: 5,
      },
    });
    const broken = sums.toPartial();
    broken.model[0]!.cost.totalNanos = -5;
    expect(() => new DayRollup(DATE).merge(broken)).toThrow(InvalidRollupRecordError);
    const fractional = sums.toPartial();
    fractional.project[0]!.latencies = [[120, 0.5]];
    expect(() => new DayRollup(DATE).merge(fractional)).toThrow(InvalidRollupRecordError);
  });
});
