import fc from 'fast-check';
import {
  aggregateRollups,
  InvalidAnalyticsInputError,
  InvalidRollupRecordError,
  InvalidTimestampError,
  isUnpriced,
  type Rollup,
  RollupAccumulator,
  RollupOverflowError,
  type RollupSourceRecord,
  rollupKey,
  toApiRollup,
} from '../../../shared/domain/analytics';
import type { StoredInteraction } from '../../../shared/domain/ledger/record';
import { rollupItemKey } from '../../../shared/domain/table/keys';
import { recordArb } from './records';

// Compile-time contract: a stored ledger record can be rolled up as it is.
const fromLedger = (record: StoredInteraction): RollupSourceRecord => record;

const COST_FIELDS = [
  'inputNanos',
  'cachedInputNanos',
  'cacheWriteNanos',
  'outputNanos',
  'reasoningNanos',
  'totalNanos',
] as const;
const TOKEN_FIELDS = ['input', 'output', 'cachedInput', 'cacheWriteInput', 'reasoning'] as const;

const recordsArb = fc.array(recordArb, { maxLength: 120 });
const OPTIONS = { granularities: ['day', 'hour'], groupByTags: ['team'] } as const;

/** The reference: a group's expected rollup, summed independently with BigInt. */
function expectedSums(records: RollupSourceRecord[]) {
  const cost = Object.fromEntries(
    COST_FIELDS.map((field) => [
      field,
      records.reduce((sum, record) => sum + BigInt(record.cost[field]), 0n),
    ]),
  );
  const tokenSums = Object.fromEntries(
    TOKEN_FIELDS.map((field) => [
      field,
      records.reduce((sum, record) => sum + BigInt(record.tokens?.[field] ?? 0), 0n),
    ]),
  );
  const latencies = records
    .flatMap((record) => (record.latencyMs === undefined ? [] : [record.latencyMs]))
    .sort((a, b) => a - b);
  const rank = (percent: number) =>
    latencies.length === 0 ? null : latencies[Math.ceil((percent * latencies.length) / 100) - 1];
  return {
    count: records.length,
    successCount: records.filter((record) => record.status === 'success').length,
    errorCount: records.filter((record) => record.status === 'error').length,
    abandonedCount: records.filter((record) => record.status === 'abandoned').length,
    inProgressCount: records.filter((record) => record.status === 'in_progress').length,
    unpricedCount: records.filter(isUnpriced).length,
    cost,
    tokens: tokenSums,
    latencyMs: { samples: latencies.length, p50: rank(50), p95: rank(95), p99: rank(99) },
  };
}

const utcDay = (timestamp: string) => new Date(timestamp).toISOString().slice(0, 10);
const utcHour = (timestamp: string) => new Date(timestamp).toISOString().slice(0, 13);

function membersOf(rollup: Rollup, records: RollupSourceRecord[]) {
  const periodOfRecord = rollup.granularity === 'day' ? utcDay : utcHour;
  return records.filter(
    (record) =>
      periodOfRecord(record.timestamp) === rollup.period &&
      record.project === rollup.project &&
      record.provider === rollup.provider &&
      record.model === rollup.model &&
      (!rollup.tag || (record.tags?.[rollup.tag.key] ?? null) === rollup.tag.value),
  );
}

function expectMatchesRecords(rollups: Rollup[], records: RollupSourceRecord[]) {
  for (const rollup of rollups) {
    const expected = expectedSums(membersOf(rollup, records));
    expect(expected.count).toBeGreaterThan(0);
    expect({
      count: rollup.count,
      successCount: rollup.successCount,
      errorCount: rollup.errorCount,
      abandonedCount: rollup.abandonedCount,
      inProgressCount: rollup.inProgressCount,
      unpricedCount: rollup.unpricedCount,
      cost: Object.fromEntries(COST_FIELDS.map((field) => [field, BigInt(rollup.cost[field])])),
      tokens: Object.fromEntries(TOKEN_FIELDS.map((field) => [field, BigInt(rollup.tokens[field])])),
      latencyMs: rollup.latencyMs,
    }).toEqual(expected);
  }
  // Overall: every record is in exactly one rollup per granularity and per tag key.
  for (const granularity of ['day', 'hour'] as const) {
    for (const tagged of [false, true]) {
      const group = rollups.filter((rollup) => rollup.granularity === granularity && !!rollup.tag === tagged);
      expect(group.reduce((sum, rollup) => sum + rollup.count, 0)).toBe(records.length);
      for (const field of COST_FIELDS) {
        expect(group.reduce((sum, rollup) => sum + BigInt(rollup.cost[field]), 0n)).toBe(
          records.reduce((sum, record) => sum + BigInt(record.cost[field]), 0n),
        );
      }
    }
  }
}

describe('rollups', () => {
  it('equal the exact sums of their records, per group and overall', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        expectMatchesRecords(aggregateRollups(records, OPTIONS), records);
      }),
      { numRuns: 200 },
    );
  });

  it('do not depend on the order of the records', () => {
    fc.assert(
      fc.property(
        recordsArb.chain((records) =>
          fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length })),
        ),
        ([records, shuffled]) => {
          expect(aggregateRollups(shuffled, OPTIONS)).toEqual(aggregateRollups(records, OPTIONS));
        },
      ),
    );
  });

  it('re-aggregating the same records gives identical items under identical, unique keys', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const first = aggregateRollups(records, OPTIONS);
        const second = aggregateRollups(records, OPTIONS);
        expect(second).toEqual(first);
        const keys = first.map(rollupKey);
        expect(new Set(keys).size).toBe(keys.length);
        expect(second.map(rollupKey)).toEqual(keys);
        const itemKeys = first.map((rollup) => JSON.stringify(rollupItemKey(rollup)));
        expect(new Set(itemKeys).size).toBe(itemKeys.length);
      }),
    );
  });

  it('late records: re-running over all records gives the sums over all of them and overwrites every earlier item', () => {
    fc.assert(
      fc.property(recordsArb, recordsArb, (onTime, late) => {
        const earlier = aggregateRollups(onTime, OPTIONS);
        const all = [...onTime, ...late];
        const rerun = aggregateRollups(all, OPTIONS);
        expectMatchesRecords(rerun, all);
        // A write of the re-run replaces each earlier item: no earlier key is left behind.
        const rerunKeys = new Set(rerun.map(rollupKey));
        for (const rollup of earlier) expect(rerunKeys.has(rollupKey(rollup))).toBe(true);
        // Adding the late records to a live accumulator gives the same as one pass.
        const accumulator = new RollupAccumulator(OPTIONS).addAll(onTime).addAll(late);
        expect(accumulator.rollups()).toEqual(rerun);
      }),
      { numRuns: 100 },
    );
  });

  it('tag rollups partition the records: the values of one tag key sum to the untagged rollup', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const rollups = aggregateRollups(records, { groupByTags: ['team'] });
        const untagged = rollups.filter((rollup) => !rollup.tag);
        for (const base of untagged) {
          const parts = rollups.filter(
            (rollup) => rollup.tag && rollupKey({ ...rollup, tag: undefined }) === rollupKey(base),
          );
          expect(parts.reduce((sum, rollup) => sum + rollup.cost.totalNanos, 0)).toBe(base.cost.totalNanos);
          expect(parts.reduce((sum, rollup) => sum + rollup.count, 0)).toBe(base.count);
        }
      }),
    );
  });
});

describe('one rollup, by hand', () => {
  const base: RollupSourceRecord = {
    project: 'acme',
    provider: 'openai',
    model: 'gpt-4o',
    status: 'success',
    timestamp: '2026-11-21T10:15:00Z',
    tokens: { input: 1000, output: 100, cachedInput: 200, cacheWriteInput: 0, reasoning: 0 },
    cost: {
      priced: true,
      inputNanos: 2_000_000,
      cachedInputNanos: 250_000,
      cacheWriteNanos: 0,
      outputNanos: 1_000_000,
      reasoningNanos: 0,
      totalNanos: 3_250_000,
    },
    latencyMs: 800,
    tags: { team: 'search' },
  };
  const unpriced = {
    priced: false,
    inputNanos: 0,
    cachedInputNanos: 0,
    cacheWriteNanos: 0,
    outputNanos: 0,
    reasoningNanos: 0,
    totalNanos: 0,
  };
  const records: RollupSourceRecord[] = [
    base,
    { ...base, timestamp: '2026-11-21T11:00:00Z', latencyMs: 1200, tags: { team: 'chat' } },
    {
      ...base,
      status: 'error',
      tokens: undefined,
      cost: { ...unpriced, unpricedReason: 'missing_usage' },
      latencyMs: 50,
    },
    {
      ...base,
      status: 'in_progress',
      tokens: undefined,
      cost: { ...unpriced, unpricedReason: 'missing_usage' },
      latencyMs: undefined,
    },
    {
      ...base,
      model: 'gpt-4o',
      cost: { ...unpriced, unpricedReason: 'unknown_model' },
      latencyMs: 400,
      tags: {},
    },
  ];

  it('counts, sums, percentiles and the API view', () => {
    const [daily] = aggregateRollups(records);
    expect(daily).toEqual({
      granularity: 'day',
      period: '2026-11-21',
      project: 'acme',
      provider: 'openai',
      model: 'gpt-4o',
      count: 5,
      successCount: 3,
      errorCount: 1,
      abandonedCount: 0,
      inProgressCount: 1,
      // Only the success without a price is a pricing gap; the failed and in-progress calls had no usage.
      unpricedCount: 1,
      tokens: { input: 3000, output: 300, cachedInput: 600, cacheWriteInput: 0, reasoning: 0 },
      cost: {
        inputNanos: 4_000_000,
        cachedInputNanos: 500_000,
        cacheWriteNanos: 0,
        outputNanos: 2_000_000,
        reasoningNanos: 0,
        totalNanos: 6_500_000,
      },
      latencyMs: { samples: 4, p50: 400, p95: 1200, p99: 1200 },
    });
    expect(rollupKey(daily!)).toBe('ROLLUP#day#2026-11-21#acme#openai#gpt-4o');
    expect(toApiRollup(daily!).cost).toEqual({
      currency: 'USD',
      inputUsd: 0.004,
      cachedInputUsd: 0.0005,
      cacheWriteUsd: 0,
      outputUsd: 0.002,
      reasoningUsd: 0,
      totalUsd: 0.0065,
      totalNanoUsd: 6_500_000,
    });
  });

  it('groups by tag value, with records lacking the tag under value null', () => {
    const tagged = aggregateRollups(records, { groupByTags: ['team'] }).filter((rollup) => rollup.tag);
    expect(tagged.map((rollup) => [rollupKey(rollup), rollup.count])).toEqual([
      ['ROLLUP#day#2026-11-21#acme#openai#gpt-4o#TAG#team!', 1],
      ['ROLLUP#day#2026-11-21#acme#openai#gpt-4o#TAG#team=chat', 1],
      ['ROLLUP#day#2026-11-21#acme#openai#gpt-4o#TAG#team=search', 3],
    ]);
    expect(toApiRollup(tagged[0]!).tag).toEqual({ key: 'team', value: null });
  });

  it('has null percentiles when no record has a latency', () => {
    const [rollup] = aggregateRollups([{ ...base, latencyMs: undefined }]);
    expect(rollup!.latencyMs).toEqual({ samples: 0, p50: null, p95: null, p99: null });
  });

  it('accepts a stored ledger record', () => {
    const record = { ...base, entity: 'interaction', id: 'i-1', receivedAt: base.timestamp } as unknown;
    expect(aggregateRollups([fromLedger(record as StoredInteraction)])).toHaveLength(1);
  });

  it.each([
    [{ tokens: { ...base.tokens!, input: 1.5 } }, 'tokens.input'],
    [{ tokens: { ...base.tokens!, output: -1 } }, 'tokens.output'],
    [{ cost: { ...base.cost, totalNanos: Number.MAX_SAFE_INTEGER + 2 } }, 'cost.totalNanos'],
    [{ latencyMs: Number.NaN }, 'latencyMs'],
    [{ status: 'done' as never }, 'status'],
  ])('rejects an invalid record (%#) naming the field', (change, field) => {
    const accumulator = new RollupAccumulator();
    expect(() => accumulator.add({ ...base, ...change })).toThrow(InvalidRollupRecordError);
    try {
      accumulator.add({ ...base, ...change });
    } catch (error) {
      expect((error as InvalidRollupRecordError).context.field).toBe(field);
    }
    expect(accumulator.rollups()).toEqual([]);
  });

  it('rejects a zone-less timestamp without touching any rollup', () => {
    const accumulator = new RollupAccumulator({ granularities: ['day', 'hour'] });
    expect(() => accumulator.add({ ...base, timestamp: '2026-11-21T10:15:00' })).toThrow(
      InvalidTimestampError,
    );
    expect(accumulator.rollups()).toEqual([]);
  });

  it('refuses sums that would stop being exact', () => {
    const huge = { ...base, cost: { ...base.cost, totalNanos: Number.MAX_SAFE_INTEGER - 10 } };
    expect(() => aggregateRollups([huge, huge])).toThrow(RollupOverflowError);
  });

  it('rejects unknown options', () => {
    expect(() => new RollupAccumulator({ granularities: ['week' as never] })).toThrow(
      InvalidAnalyticsInputError,
    );
  });
});

describe('rollup keys', () => {
  const part = fc.string({
    unit: fc.constantFrom('a', '#', '=', '!', '%', '2', '3') as fc.Arbitrary<string>,
  });
  const dimensions = fc.record(
    {
      granularity: fc.constantFrom('day', 'hour'),
      period: fc.constantFrom('2026-11-21', '2026-11-21T10'),
      project: part,
      provider: part,
      model: part,
      tag: fc.record({ key: part, value: fc.option(part, { nil: null }) }),
    },
    { requiredKeys: ['granularity', 'period', 'project', 'provider', 'model'] },
  );

  it('are injective: different groups never share a key, even with separators in names', () => {
    fc.assert(
      fc.property(dimensions, dimensions, (a, b) => {
        const same = JSON.stringify([a.granularity, a.period, a.project, a.provider, a.model, a.tag ?? null]);
        const other = JSON.stringify([
          b.granularity,
          b.period,
          b.project,
          b.provider,
          b.model,
          b.tag ?? null,
        ]);
        expect(rollupKey(a) === rollupKey(b)).toBe(same === other);
        const itemA = rollupItemKey(a);
        const itemB = rollupItemKey(b);
        expect(itemA.pk === itemB.pk && itemA.sk === itemB.sk).toBe(same === other);
      }),
      { numRuns: 500 },
    );
  });

  it('escape separators', () => {
    expect(
      rollupKey({
        granularity: 'hour',
        period: '2026-11-21T10',
        project: 'a#b',
        provider: 'openai',
        model: 'm%1',
      }),
    ).toBe('ROLLUP#hour#2026-11-21T10#a%23b#openai#m%251');
    expect(
      rollupItemKey({
        granularity: 'day',
        period: '2026-11-21',
        project: 'acme',
        provider: 'openai',
        model: 'gpt-4o',
        tag: { key: 'team', value: 'a=b' },
      }),
    ).toEqual({ pk: 'ROLLUP#acme#day', sk: '2026-11-21#openai#gpt-4o#TAG#team=a%3db' });
  });
});
