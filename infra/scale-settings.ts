/**
 * The deploy settings that decide how far tokentrail scales out, with defaults that fit 100
 * million interactions a day for one project (see `npm run scale-model`). Plain data: infra/context.ts
 * reads them from CDK context (`-c key=value` or cdk.json), the stack passes them on.
 */
import { DEFAULT_SHARDS } from '../shared/domain/table/shards';

export interface ScaleSettings {
  /** `tokentrail:dayIndexShards`: shards of a project's day in `byDay` (raise only, never lower). */
  readonly dayIndexShards: number;
  /** `tokentrail:workIndexShards`: shards of the unpriced and in-progress work queues (raise only). */
  readonly workIndexShards: number;
  /** `tokentrail:processMaxConcurrency`: `MaximumConcurrency` of the ingest queue's event source (2–1000). */
  readonly processMaxConcurrency: number;
  /**
   * `tokentrail:reservedConcurrency` (`ingest=50,query=10`): reserved concurrency per function, off
   * by default, since an account with a concurrency quota of 10 fails any reservation.
   */
  readonly reservedConcurrency: Record<string, number>;
  /**
   * `tokentrail:rollupMapConcurrency`: slices the rollup map sums at once; default one per day
   * shard. A slice reads as fast as its CPU sums, so on a fast core 1.5 per shard took the table's
   * read quota to 1.4× headroom at 100M a day; one per shard keeps it near half (npm run scale-model).
   */
  readonly mapConcurrency: number;
  /** `tokentrail:minReadCapacity`, `tokentrail:minWriteCapacity`: provisioned floors per table and index. */
  readonly minReadCapacity: number;
  readonly minWriteCapacity: number;
  /** `tokentrail:maxReadCapacity`, `tokentrail:maxWriteCapacity`: provisioned ceilings per table and index. */
  readonly maxReadCapacity: number;
  readonly maxWriteCapacity: number;
}

/** The default map concurrency for a day shard count: one slice per shard. */
export function mapConcurrencyFor(dayIndexShards: number): number {
  return dayIndexShards;
}

export const DEFAULT_SCALE_SETTINGS: ScaleSettings = {
  dayIndexShards: DEFAULT_SHARDS.dayIndex,
  workIndexShards: DEFAULT_SHARDS.workIndex,
  // 100M a day at a 4× peak needs ~170 processors at once (npm run scale-model); the rest of the
  // account's default 1,000 stays free for ingest, queries and the jobs.
  processMaxConcurrency: 300,
  reservedConcurrency: {},
  mapConcurrency: mapConcurrencyFor(DEFAULT_SHARDS.dayIndex),
  // Scheduled readers start before auto-scaling reacts (minutes): a floor they can start on.
  minReadCapacity: 25,
  minWriteCapacity: 5,
  // 1,000 would cap a table near 500 interactions/s (two writes each); 40,000 is the default table quota.
  maxReadCapacity: 40_000,
  maxWriteCapacity: 40_000,
};

/** Parses `ingest=50,query=10` into `{ ingest: 50, query: 10 }`. */
export function parseReservedConcurrency(raw: string): Record<string, number> {
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, value] = part.split('=');
      const count = Number(value);
      if (!name || !Number.isInteger(count) || count < 1) {
        throw new Error(`context tokentrail:reservedConcurrency: expected name=count, got "${part}"`);
      }
      return [name.trim(), count] as const;
    });
  return Object.fromEntries(entries);
}
