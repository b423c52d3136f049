/**
 * Write-sharding of the table's hot partitions. The interaction indexes' shard counts are a
 * deploy setting (CDK context `tokentrail:dayIndexShards` and `tokentrail:workIndexShards`,
 * handed to every function as environment). One index partition takes about 1,000 writes/s; a busy project's day, its
 * unpriced backlog or its in-progress calls would each be one partition without sharding.
 *
 * Shard counts may only grow: an item keeps the shard it was first written to, and readers
 * query every shard below the current count, so a raised count still finds older items, while
 * a lowered one would lose sight of the shards above it. Plain domain code.
 */
import { createHash } from 'node:crypto';
import { SHARD_ENV } from '../env-names';

export { SHARD_ENV };

/**
 * Defaults: 16 day shards keep a project's day under ~600 index writes/s per partition at
 * 100M interactions a day with a 4× peak (see `npm run scale-model`); the work queues are
 * written only by unpriced or two-phase calls.
 */
export const DEFAULT_SHARDS = { dayIndex: 16, workIndex: 8 } as const;

/** The oldest deployments wrote 8 day shards; readers never look at fewer. */
const MIN_DAY_SHARDS = 8;
const MAX_SHARDS = 256;

function fromEnvironment(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SHARDS) return fallback;
  return Math.max(value, minimum);
}

/** Shards of a project's day in the `byDay` index (at least the 8 older versions wrote). */
export const dayIndexShards = (): number =>
  fromEnvironment(SHARD_ENV.dayIndex, DEFAULT_SHARDS.dayIndex, MIN_DAY_SHARDS);

/** Shards of a project's unpriced and in-progress work queues. */
export const workIndexShards = (): number =>
  fromEnvironment(SHARD_ENV.workIndex, DEFAULT_SHARDS.workIndex, 1);

/**
 * Stable shard in `[0, shards)` for an interaction id, so a re-delivery lands on the same shard.
 *
 * @example
 * shardOf('call-42', 16); // 0..15, always the same for 'call-42'
 */
export function shardOf(id: string, shards: number): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % shards;
}

/** Shards of the analysis pending queue (`AWORK#pending#<shard>`); fixed, as items keep their shard. */
export const PENDING_SHARDS = 4;

/** Shards of the analysis status counters (`ASTAT#<project>` / `SHARD#<n>`): a write picks one at random. */
export const COUNTER_SHARDS = 8;
