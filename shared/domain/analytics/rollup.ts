/**
 * Rollups: interactions summed per period × project × provider × model (and optionally per
 * tag value). Sums are integer nano-USD and integer tokens, exact; the result does not depend
 * on the order records are added in, so a re-run over the same records gives the same items.
 *
 * A rollup for a period is always recomputed from all of that period's records (late records
 * included) and written under its deterministic key, never incremented: that is what makes
 * re-runs idempotent. Latency percentiles cannot be merged from partial rollups, which is one
 * more reason not to merge.
 */
import * as z from 'zod';
import { nanosToUsd } from '../money';
import { COST_AMOUNT_FIELDS, usdAmounts, zeroCostAmounts } from '../pricing';
import { InvalidRollupRecordError, RollupOverflowError } from './errors';
import { type RollupDimensions, type RollupTag, rollupKey } from './keys';
import { parseOrThrow } from './options';
import { type Granularity, periodOf } from './period';
import { nearestRankPercentiles } from './stats';

export type RollupStatus = 'success' | 'error' | 'abandoned' | 'in_progress';

export interface RollupTokens {
  input: number;
  output: number;
  cachedInput: number;
  cacheWriteInput: number;
  reasoning: number;
}

export interface RollupCost {
  inputNanos: number;
  cachedInputNanos: number;
  cacheWriteNanos: number;
  outputNanos: number;
  reasoningNanos: number;
  totalNanos: number;
}

/**
 * The stored interaction fields rollups read. The ledger's `StoredInteraction` satisfies it.
 */
export interface RollupSourceRecord {
  project: string;
  provider: string;
  model: string;
  status: RollupStatus;
  /** ISO 8601 with a zone: the interaction's own time (startedAt, else endedAt, else receivedAt). */
  timestamp: string;
  /** Absent when the call reported no usage (in progress, or failed before any tokens). */
  tokens?: RollupTokens;
  cost: RollupCost & { priced: boolean; unpricedReason?: string };
  latencyMs?: number;
  tags?: Record<string, string>;
}

/** Nearest-rank latency percentiles in ms; `null` when no record in the group had a latency. */
export interface RollupLatency {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Rollup extends RollupDimensions {
  /** Every record in the group, whatever its status. */
  count: number;
  successCount: number;
  errorCount: number;
  abandonedCount: number;
  inProgressCount: number;
  /** Records that should have had a price but have none: see {@link isUnpriced}. */
  unpricedCount: number;
  tokens: RollupTokens;
  cost: RollupCost;
  latencyMs: RollupLatency;
}

export const rollupOptionsSchema = z.strictObject({
  /** Periods to roll up into; default `['day']`. */
  granularities: z
    .array(z.enum(['day', 'hour']))
    .min(1)
    .readonly()
    .default(['day']),
  /** Tag keys to also group by (e.g. `['team']`); each gives rollups per value of that tag. */
  groupByTags: z.array(z.string().min(1)).readonly().default([]),
});

export type RollupOptions = z.input<typeof rollupOptionsSchema>;

const TOKEN_FIELDS = ['input', 'output', 'cachedInput', 'cacheWriteInput', 'reasoning'] as const;
const STATUS_COUNTERS = {
  success: 'successCount',
  error: 'errorCount',
  abandoned: 'abandonedCount',
  in_progress: 'inProgressCount',
} as const;

/**
 * Whether a record counts as unpriced in rollups and anomaly detection: its cost is not
 * priced, except in-progress calls (no usage yet) and failed or abandoned calls that simply
 * reported no usage, which cost nothing by nature. What remains is a pricing gap: a
 * completed call we could not price (unknown model, usage the normalizer could not read).
 *
 * @example
 * isUnpriced({ status: 'success', cost: { priced: false, unpricedReason: 'unknown_model' } }); // true
 * isUnpriced({ status: 'error', cost: { priced: false, unpricedReason: 'missing_usage' } }); // false
 */
export function isUnpriced(
  record: Pick<RollupSourceRecord, 'status'> & {
    cost: { priced: boolean; unpricedReason?: string };
  },
): boolean {
  if (record.cost.priced || record.status === 'in_progress') return false;
  return record.status === 'success' || record.cost.unpricedReason !== 'missing_usage';
}

/**
 * One group of a {@link RollupAccumulator} as plain, JSON-safe data: its sums so far and its
 * latency histogram as `[latencyMs, count]` pairs. Merging partial groups of disjoint record sets
 * gives exactly the group of their union (integer sums, histogram counts), which is what lets a
 * day be summed in slices in parallel and reduced afterwards.
 */
export interface RollupPartialGroup extends Omit<Rollup, 'latencyMs'> {
  latencies: [number, number][];
}

interface GroupState {
  rollup: Omit<Rollup, 'latencyMs'>;
  latencies: Map<number, number>;
  latencySamples: number;
}

const zeroTokens = (): RollupTokens => ({
  input: 0,
  output: 0,
  cachedInput: 0,
  cacheWriteInput: 0,
  reasoning: 0,
});
const zeroCost = (): RollupCost => zeroCostAmounts();

function checkCount(value: unknown, field: string, record: RollupSourceRecord): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRollupRecordError(field, value, record);
  }
  return value;
}

function checkRecord(record: RollupSourceRecord): void {
  if (!Object.hasOwn(STATUS_COUNTERS, record.status))
    throw new InvalidRollupRecordError('status', record.status, record);
  for (const field of TOKEN_FIELDS) {
    if (record.tokens) checkCount(record.tokens[field], `tokens.${field}`, record);
  }
  for (const field of COST_AMOUNT_FIELDS) checkCount(record.cost[field], `cost.${field}`, record);
  const { latencyMs } = record;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new InvalidRollupRecordError('latencyMs', latencyMs, record);
  }
}

const COUNT_FIELDS = [
  'count',
  'successCount',
  'errorCount',
  'abandonedCount',
  'inProgressCount',
  'unpricedCount',
] as const;

/** A partial group holds counts and sums of records: non-negative safe integers, latencies finite. */
function checkPartial(group: RollupPartialGroup): void {
  const where = { project: group.project, model: group.model } as RollupSourceRecord;
  for (const field of COUNT_FIELDS) checkCount(group[field], field, where);
  for (const field of TOKEN_FIELDS) checkCount(group.tokens?.[field], `tokens.${field}`, where);
  for (const field of COST_AMOUNT_FIELDS) checkCount(group.cost?.[field], `cost.${field}`, where);
  for (const entry of group.latencies) {
    const [latency, count] = entry;
    if (!(Number.isFinite(latency) && latency >= 0))
      throw new InvalidRollupRecordError('latencyMs', latency, where);
    checkCount(count, 'latencies.count', where);
  }
}

function addExactly(sum: number, value: number, field: string, key: string): number {
  const result = sum + value;
  // Sums of safe integers are exact until they pass 2^53; past it they are not safe any more.
  if (!Number.isSafeInteger(result)) throw new RollupOverflowError(field, key);
  return result;
}

/**
 * Sums interaction records into rollups. Add records in any order, in any number of calls;
 * {@link RollupAccumulator.rollups} gives the same result for the same multiset of records.
 *
 * Latencies are kept as a histogram (latency → count), exact and small for integer
 * millisecond latencies, so a day with millions of calls still fits a Lambda's memory.
 *
 * @example
 * const accumulator = new RollupAccumulator({ granularities: ['day', 'hour'], groupByTags: ['team'] });
 * accumulator.addAll(records);
 * for (const rollup of accumulator.rollups()) await store.put(rollupKey(rollup), rollup);
 */
export class RollupAccumulator {
  readonly #granularities: readonly Granularity[];
  readonly #tagKeys: readonly string[];
  readonly #groups = new Map<string, GroupState>();

  public constructor(options: RollupOptions = {}) {
    const parsed = parseOrThrow(rollupOptionsSchema, options, 'rollup options');
    this.#granularities = [...new Set(parsed.granularities)];
    this.#tagKeys = [...new Set(parsed.groupByTags)];
  }

  /** Adds one record to every rollup it belongs to. Throws before changing anything if it is invalid. */
  public add(record: RollupSourceRecord): this {
    checkRecord(record);
    const { project, provider, model } = record;
    const periods = this.#granularities.map(
      (granularity) => [granularity, periodOf(record.timestamp, granularity)] as const,
    );
    for (const [granularity, period] of periods) {
      this.#addTo({ granularity, period, project, provider, model }, record);
      for (const key of this.#tagKeys) {
        const value = record.tags && Object.hasOwn(record.tags, key) ? record.tags[key]! : null;
        this.#addTo({ granularity, period, project, provider, model, tag: { key, value } }, record);
      }
    }
    return this;
  }

  /** Adds every record of an iterable. */
  public addAll(records: Iterable<RollupSourceRecord>): this {
    for (const record of records) this.add(record);
    return this;
  }

  /** The rollups so far, sorted by {@link rollupKey}; fresh objects, safe to mutate. */
  public rollups(): Rollup[] {
    return [...this.#groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, state]) => {
        const [p50, p95, p99] = nearestRankPercentiles(state.latencies, [50, 95, 99]);
        return {
          ...state.rollup,
          ...(state.rollup.tag ? { tag: { ...state.rollup.tag } } : {}),
          tokens: { ...state.rollup.tokens },
          cost: { ...state.rollup.cost },
          latencyMs: { samples: state.latencySamples, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null },
        };
      });
  }

  /**
   * The groups so far as plain data (sorted by key, histograms by latency), for a reduce step
   * elsewhere to {@link RollupAccumulator.merge}.
   */
  public toPartial(): RollupPartialGroup[] {
    return [...this.#groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, state]) => ({
        ...state.rollup,
        ...(state.rollup.tag ? { tag: { ...state.rollup.tag } } : {}),
        tokens: { ...state.rollup.tokens },
        cost: { ...state.rollup.cost },
        latencies: [...state.latencies.entries()].sort((a, b) => a[0] - b[0]),
      }));
  }

  /**
   * Adds partial groups from accumulators over other records, each into the group its
   * dimensions name, or the one `relabel` maps them to (e.g. an hour's group into its day's).
   * Throws before changing a group if a partial holds a value no record could have produced.
   *
   * @example
   * const day = new RollupAccumulator({ granularities: ['day'] });
   * for (const hour of hourPartials) day.merge(hour, (d) => ({ ...d, granularity: 'day', period: d.period.slice(0, 10) }));
   */
  public merge(
    groups: readonly RollupPartialGroup[],
    relabel: (dimensions: RollupDimensions) => RollupDimensions = (dimensions) => dimensions,
  ): this {
    for (const group of groups) {
      const dimensions = relabel({
        granularity: group.granularity,
        period: group.period,
        project: group.project,
        provider: group.provider,
        model: group.model,
        ...(group.tag ? { tag: group.tag } : {}),
      });
      checkPartial(group);
      const key = rollupKey(dimensions);
      const state = this.#stateOf(key, dimensions);
      const { rollup } = state;
      for (const field of COUNT_FIELDS) rollup[field] = addExactly(rollup[field], group[field], field, key);
      for (const field of TOKEN_FIELDS) {
        rollup.tokens[field] = addExactly(rollup.tokens[field], group.tokens[field], `tokens.${field}`, key);
      }
      for (const field of COST_AMOUNT_FIELDS) {
        rollup.cost[field] = addExactly(rollup.cost[field], group.cost[field], `cost.${field}`, key);
      }
      for (const [latency, count] of group.latencies) {
        state.latencies.set(latency, (state.latencies.get(latency) ?? 0) + count);
        state.latencySamples += count;
      }
    }
    return this;
  }

  #stateOf(key: string, dimensions: RollupDimensions): GroupState {
    let state = this.#groups.get(key);
    if (!state) {
      state = {
        rollup: {
          ...dimensions,
          count: 0,
          successCount: 0,
          errorCount: 0,
          abandonedCount: 0,
          inProgressCount: 0,
          unpricedCount: 0,
          tokens: zeroTokens(),
          cost: zeroCost(),
        },
        latencies: new Map(),
        latencySamples: 0,
      };
      this.#groups.set(key, state);
    }
    return state;
  }

  #addTo(dimensions: RollupDimensions, record: RollupSourceRecord): void {
    const key = rollupKey(dimensions);
    const state = this.#stateOf(key, dimensions);
    const { rollup } = state;
    rollup.count += 1;
    rollup[STATUS_COUNTERS[record.status]] += 1;
    if (isUnpriced(record)) rollup.unpricedCount += 1;
    if (record.tokens) {
      for (const field of TOKEN_FIELDS) {
        rollup.tokens[field] = addExactly(rollup.tokens[field], record.tokens[field], `tokens.${field}`, key);
      }
    }
    for (const field of COST_AMOUNT_FIELDS) {
      rollup.cost[field] = addExactly(rollup.cost[field], record.cost[field], `cost.${field}`, key);
    }
    if (record.latencyMs !== undefined) {
      state.latencies.set(record.latencyMs, (state.latencies.get(record.latencyMs) ?? 0) + 1);
      state.latencySamples += 1;
    }
  }
}

/**
 * Rolls records up in one call; same result as a {@link RollupAccumulator}.
 *
 * @example
 * const daily = aggregateRollups(records, { granularities: ['day'] });
 */
export function aggregateRollups(
  records: Iterable<RollupSourceRecord>,
  options: RollupOptions = {},
): Rollup[] {
  return new RollupAccumulator(options).addAll(records).rollups();
}

/** The API view of a rollup (`GET /v1/rollups`): costs in decimal USD, plus the exact nano total. */
export interface ApiRollup {
  period: string;
  granularity: Granularity;
  project: string;
  provider: string;
  model: string;
  tag?: RollupTag;
  count: number;
  successCount: number;
  errorCount: number;
  abandonedCount: number;
  inProgressCount: number;
  unpricedCount: number;
  tokens: RollupTokens;
  cost: {
    currency: 'USD';
    inputUsd: number;
    cachedInputUsd: number;
    cacheWriteUsd: number;
    outputUsd: number;
    reasoningUsd: number;
    totalUsd: number;
    totalNanoUsd: number;
  };
  latencyMs: RollupLatency;
}

/**
 * Converts a rollup for the API: nano-USD become decimal USD at this edge only.
 *
 * @example
 * toApiRollup(rollup).cost.totalUsd; // 12.3456789
 */
export function toApiRollup(rollup: Rollup): ApiRollup {
  const { cost } = rollup;
  return {
    period: rollup.period,
    granularity: rollup.granularity,
    project: rollup.project,
    provider: rollup.provider,
    model: rollup.model,
    ...(rollup.tag ? { tag: { ...rollup.tag } } : {}),
    count: rollup.count,
    successCount: rollup.successCount,
    errorCount: rollup.errorCount,
    abandonedCount: rollup.abandonedCount,
    inProgressCount: rollup.inProgressCount,
    unpricedCount: rollup.unpricedCount,
    tokens: { ...rollup.tokens },
    cost: {
      currency: 'USD',
      ...usdAmounts(cost, COST_AMOUNT_FIELDS, nanosToUsd),
      totalNanoUsd: cost.totalNanos,
    },
    latencyMs: { ...rollup.latencyMs },
  };
}
