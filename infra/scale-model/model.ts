/**
 * Whether each job fits at a volume: time, memory, reads and the hottest partition of every
 * job at N interactions a day, from per-record costs measured on the real code, the deployed
 * settings read from the template, AWS's documented limits, and explicit assumptions for what
 * cannot be measured offline (I/O latencies, traffic shape). Pure arithmetic.
 */
import type { Measurements } from './measure';

/** AWS limits the model checks against (documented service quotas and per-partition throughput). */
export const AWS_LIMITS = {
  /** Writes per second one DynamoDB partition takes (1 KB units). */
  partitionWriteUnitsPerSecond: 1000,
  /** Reads per second one DynamoDB partition serves (4 KB strongly consistent units). */
  partitionReadUnitsPerSecond: 3000,
  /** Bytes one eventually consistent read unit reads. */
  eventuallyConsistentReadBytes: 8192,
  /** A Query page. */
  queryPageBytes: 1_048_576,
  /** Default per-table throughput quota (on-demand), reads and writes each. */
  tableUnitsPerSecond: 40_000,
  /** Default account concurrency. */
  accountConcurrency: 1000,
  /** Longest a Lambda invocation runs. */
  lambdaMaxSeconds: 900,
  /** Longest an EXPRESS workflow runs: the rollup map's children are express, so a slice must end by then. */
  expressWorkflowSeconds: 300,
} as const;

/** What cannot be measured offline; flags of `npm run scale-model` override them. */
export interface ScaleAssumptions {
  /** Busiest hour's rate over the day's average. */
  peakFactor: number;
  /** One Query page round trip. */
  queryPageMs: number;
  /** One conditional UpdateItem/PutItem round trip. */
  writeMs: number;
  /** One S3 PUT/GET of a partial. */
  objectMs: number;
  /** Share of calls sent as two events (started, completed): they pass through the sweep's index. */
  twoPhaseShare: number;
  /** Share of calls of a model no rule prices on arrival (the hourly reprice's backlog). */
  unpricedShare: number;
  /** Interactions per ingest request. */
  perRequest: number;
}

export const DEFAULT_SCALE_ASSUMPTIONS: ScaleAssumptions = {
  peakFactor: 4,
  queryPageMs: 60,
  writeMs: 8,
  objectMs: 40,
  twoPhaseShare: 0.2,
  unpricedShare: 0.02,
  perRequest: 100,
};

/** The deployed settings the model reads from the template. */
export interface DeployedScale {
  dayIndexShards: number;
  workIndexShards: number;
  processMaxConcurrency: number;
  processBatchSize: number;
  mapConcurrency: number;
  functions: Record<string, { memoryMb: number; timeoutSeconds: number }>;
  /** Billed bytes of one `byDay` index entry of the representative interaction. */
  dayEntryBytes: number;
  /** Billed bytes of the representative interaction item (a reprice rewrites it whole). */
  itemBytes: number;
  /** The day reprice map: the template's `MaxConcurrency` and timeout, the code's page and write settings. */
  reprice: {
    mapConcurrency: number;
    runTimeoutSeconds: number;
    pageSize: number;
    sliceWriteConcurrency: number;
    /** Seconds one slice invocation works before it hands over to the next. */
    sliceWorkSeconds: number;
  };
}

export interface JobRow {
  job: string;
  /** What one run covers. */
  run: string;
  seconds: number;
  /** The limit `seconds` is held against. */
  limitSeconds: number;
  memoryMb: number;
  memoryLimitMb: number;
  /** Read units one run consumes. */
  readUnits: number;
  /** The busiest partition's load and its limit (units per second). */
  hottest: { what: string; load: number; limit: number };
  /** Other ceilings (concurrency, …): load and limit. */
  other?: { what: string; load: number; limit: number };
  /** The smallest limit/load ratio over time, memory, partition and other ceilings. */
  headroom: number;
  fits: boolean;
}

const units = (bytes: number, unit: number) => Math.ceil(bytes / unit);

function row(partial: Omit<JobRow, 'headroom' | 'fits'>): JobRow {
  const ratios = [
    partial.limitSeconds / Math.max(partial.seconds, 1e-9),
    partial.memoryLimitMb / Math.max(partial.memoryMb, 1e-9),
    partial.hottest.limit / Math.max(partial.hottest.load, 1e-9),
    ...(partial.other ? [partial.other.limit / Math.max(partial.other.load, 1e-9)] : []),
  ];
  const headroom = Math.min(...ratios);
  return { ...partial, headroom, fits: headroom >= 1.5 };
}

/**
 * Every job at `perDay` interactions for one project.
 *
 * @example
 * scaleRows(100_000_000, deployed, measured).every((job) => job.fits);
 */
export function scaleRows(
  perDay: number,
  deployed: DeployedScale,
  measured: Measurements,
  assumptions: ScaleAssumptions = DEFAULT_SCALE_ASSUMPTIONS,
): JobRow[] {
  const a = assumptions;
  const fn = (name: string) => deployed.functions[name] ?? { memoryMb: 1024, timeoutSeconds: 900 };
  const averagePerSecond = perDay / 86_400;
  const peakPerSecond = averagePerSecond * a.peakFactor;
  const entryBytes = deployed.dayEntryBytes;
  const entryWriteUnits = units(entryBytes, 1024);
  const rows: JobRow[] = [];

  // Ingest: one request per `perRequest` calls; concurrency = requests/s × duration.
  const ingestSeconds = (30 + a.perRequest * 0.6) / 1000;
  const ingestConcurrency = (peakPerSecond / a.perRequest) * ingestSeconds;
  rows.push(
    row({
      job: 'ingest',
      run: `${a.perRequest} calls per request at the peak`,
      seconds: ingestSeconds,
      limitSeconds: fn('ingest').timeoutSeconds,
      memoryMb: 120,
      memoryLimitMb: fn('ingest').memoryMb,
      readUnits: 0,
      hottest: { what: 'none (key cache)', load: 0, limit: 1 },
      other: {
        what: 'concurrency of account',
        load: ingestConcurrency,
        limit: AWS_LIMITS.accountConcurrency,
      },
    }),
  );

  // Processor: a batch's records run concurrently; each writes its item once and the day entry once.
  const batch = deployed.processBatchSize;
  const processSeconds = (40 + batch * measured.processMsPerRecord + 3 * a.writeMs) / 1000;
  const processConcurrency = (peakPerSecond / batch) * processSeconds;
  const dayShardWrites = (peakPerSecond * (1 + a.twoPhaseShare) * entryWriteUnits) / deployed.dayIndexShards;
  rows.push(
    row({
      job: 'process',
      run: `batch of ${batch} at the peak (${Math.round(peakPerSecond)}/s)`,
      seconds: processSeconds,
      limitSeconds: fn('process').timeoutSeconds,
      memoryMb: 200,
      memoryLimitMb: fn('process').memoryMb,
      readUnits: 0,
      hottest: {
        what: `byDay shard writes/s (${deployed.dayIndexShards} shards)`,
        load: dayShardWrites,
        limit: AWS_LIMITS.partitionWriteUnitsPerSecond,
      },
      other: { what: 'MaximumConcurrency', load: processConcurrency, limit: deployed.processMaxConcurrency },
    }),
  );

  // Rollup, the hourly run at the day's end (it reads the whole day): map over shard × hour slices.
  const slices = deployed.dayIndexShards * 24;
  const peakSliceRecords = (perDay * a.peakFactor) / 24 / deployed.dayIndexShards;
  const sliceSeconds =
    (peakSliceRecords * measured.rollupMicrosPerRecord) / 1e6 +
    (Math.ceil((peakSliceRecords * entryBytes) / AWS_LIMITS.queryPageBytes) * a.queryPageMs) / 1000 +
    (measured.partialMs + a.objectMs) / 1000;
  // Partials stop growing once every latency value of a group is seen; scale the heap only up to that.
  const sliceMemoryMb =
    90 + measured.sliceHeapMb * Math.min(4, Math.max(0.05, peakSliceRecords / measured.sliceRecords));
  const dayBytes = perDay * entryBytes;
  const dayReadUnits = units(dayBytes, AWS_LIMITS.eventuallyConsistentReadBytes);
  const perShardConcurrent = Math.max(1, deployed.mapConcurrency / deployed.dayIndexShards);
  // A slice reads a page, then sums it: its read rate is bounded by its own CPU as much as by I/O.
  const pageRecords = AWS_LIMITS.queryPageBytes / entryBytes;
  const sliceReadRate =
    AWS_LIMITS.queryPageBytes /
    AWS_LIMITS.eventuallyConsistentReadBytes /
    ((a.queryPageMs + (pageRecords * measured.rollupMicrosPerRecord) / 1000) / 1000);
  const shardReadLoad = Math.min(perShardConcurrent, 24) * sliceReadRate;
  const partitionCapSeconds =
    dayBytes /
    deployed.dayIndexShards /
    AWS_LIMITS.eventuallyConsistentReadBytes /
    AWS_LIMITS.partitionReadUnitsPerSecond;
  const averageSliceSeconds = sliceSeconds / a.peakFactor + 0.2;
  const mapSeconds = Math.max(
    Math.ceil(slices / deployed.mapConcurrency) * averageSliceSeconds,
    partitionCapSeconds,
  );
  rows.push(
    row({
      job: 'rollup: slice',
      run: `busiest shard-hour, ${Math.round(peakSliceRecords).toLocaleString('en-US')} records`,
      seconds: sliceSeconds,
      // The function may run longer, but the express child workflow that invokes it ends at 5 minutes.
      limitSeconds: Math.min(fn('rollup').timeoutSeconds, AWS_LIMITS.expressWorkflowSeconds),
      memoryMb: sliceMemoryMb,
      memoryLimitMb: fn('rollup').memoryMb,
      readUnits: units(peakSliceRecords * entryBytes, AWS_LIMITS.eventuallyConsistentReadBytes),
      hottest: {
        what: `byDay shard reads/s (${Math.round(perShardConcurrent)} slice${Math.round(perShardConcurrent) === 1 ? '' : 's'} of a shard at once)`,
        load: shardReadLoad,
        limit: AWS_LIMITS.partitionReadUnitsPerSecond,
      },
    }),
  );
  rows.push(
    row({
      job: 'rollup: map (whole day)',
      run: `${slices} slices, ${deployed.mapConcurrency} at once, hourly`,
      seconds: mapSeconds,
      limitSeconds: 3600,
      memoryMb: sliceMemoryMb,
      memoryLimitMb: fn('rollup').memoryMb,
      readUnits: dayReadUnits,
      hottest: {
        what: 'table read units/s (all slices)',
        load: dayReadUnits / Math.max(mapSeconds, 1),
        limit: AWS_LIMITS.tableUnitsPerSecond,
      },
    }),
  );
  const reduceSeconds =
    (slices * (measured.mergeMsPerPartial + a.objectMs / 32)) / 1000 + 2 + (1000 * a.writeMs) / 25 / 1000;
  rows.push(
    row({
      job: 'rollup: reduce',
      run: `merge ${slices} partials, write the day`,
      seconds: reduceSeconds,
      limitSeconds: fn('rollup').timeoutSeconds,
      memoryMb: 90 + measured.sliceHeapMb * 2,
      memoryLimitMb: fn('rollup').memoryMb,
      readUnits: 0,
      hottest: { what: 'rollup partition writes/s', load: 1000 / Math.max(reduceSeconds, 1), limit: 1000 },
    }),
  );

  // Sweep: reads only open calls (keys only, ~100 B) past the timeout, marks them in parallel.
  const openEntries = averagePerSecond * a.twoPhaseShare * 60 * 0.01 + averagePerSecond * a.twoPhaseShare * 5;
  const sweepSeconds =
    deployed.workIndexShards * (a.queryPageMs / 1000) + (openEntries * 0.01 * a.writeMs) / 16 / 1000;
  rows.push(
    row({
      job: 'sweep',
      run: `every 15 min, ${Math.round(openEntries).toLocaleString('en-US')} open calls`,
      seconds: sweepSeconds,
      limitSeconds: fn('sweep').timeoutSeconds,
      memoryMb: 100,
      memoryLimitMb: fn('sweep').memoryMb,
      readUnits: units(openEntries * 100, AWS_LIMITS.eventuallyConsistentReadBytes),
      hottest: {
        what: `byOpen shard writes/s (${deployed.workIndexShards} shards)`,
        load: (peakPerSecond * a.twoPhaseShare * 2) / deployed.workIndexShards,
        limit: AWS_LIMITS.partitionWriteUnitsPerSecond,
      },
    }),
  );

  // Reprice (hourly): the hour's unpriced calls, 8 partitions walked at once, 32 writes each.
  const backlog = (perDay / 24) * a.unpricedShare;
  const repriceRate = (8 * 32) / (a.writeMs / 1000);
  const repriceSeconds = backlog / repriceRate + (backlog * measured.repriceMicrosPerRecord) / 1e6 + 1;
  rows.push(
    row({
      job: 'reprice (unpriced, hourly)',
      run: `${Math.round(backlog).toLocaleString('en-US')} calls of an hour`,
      seconds: repriceSeconds,
      limitSeconds: fn('reprice').timeoutSeconds - 60,
      memoryMb: 150,
      memoryLimitMb: fn('reprice').memoryMb,
      readUnits: backlog * 2,
      hottest: {
        what: `byUnpriced shard writes/s (${deployed.workIndexShards} shards)`,
        load: (peakPerSecond * a.unpricedShare) / deployed.workIndexShards,
        limit: AWS_LIMITS.partitionWriteUnitsPerSecond,
      },
    }),
  );

  // Reprice of a whole day (on demand): a distributed map over shard × hour slices, every record
  // rewritten at worst. A slice reads a page of index entries, its interactions (BatchGetItem,
  // 100 keys a request, together) and rewrites the changed ones, `sliceWriteConcurrency` at once;
  // it hands over to a fresh invocation after `sliceWorkSeconds`, as often as it needs.
  const page = deployed.reprice.pageSize;
  const itemWriteUnits = units(deployed.itemBytes, 1024);
  const pageSeconds =
    (2 * a.queryPageMs + (page / deployed.reprice.sliceWriteConcurrency) * a.writeMs + a.writeMs) / 1000 +
    (page * measured.repriceMicrosPerRecord) / 1e6;
  const sliceRate = page / pageSeconds;
  const sliceWriteRate = deployed.reprice.sliceWriteConcurrency / (a.writeMs / 1000);
  const busiestSliceSeconds = peakSliceRecords / sliceRate;
  const invocations = Math.max(1, Math.ceil(busiestSliceSeconds / deployed.reprice.sliceWorkSeconds));
  const sliceMemory = 110 + (page * (deployed.itemBytes + entryBytes) * 3) / 1_048_576;
  const shardsWrittenAtOnce = Math.max(1, deployed.reprice.mapConcurrency / deployed.dayIndexShards);
  rows.push(
    row({
      job: 'reprice --date: slice',
      run: `busiest shard-hour, ${Math.round(peakSliceRecords).toLocaleString('en-US')} records, ${invocations} invocation${invocations > 1 ? 's' : ''}`,
      // One invocation: it works at most `sliceWorkSeconds`, plus the page in flight.
      seconds: Math.min(busiestSliceSeconds, deployed.reprice.sliceWorkSeconds + pageSeconds),
      limitSeconds: fn('reprice').timeoutSeconds,
      memoryMb: sliceMemory,
      memoryLimitMb: fn('reprice').memoryMb,
      readUnits:
        units(peakSliceRecords * entryBytes, AWS_LIMITS.eventuallyConsistentReadBytes) +
        peakSliceRecords * units(deployed.itemBytes, 4096) * 0.5,
      hottest: {
        what: `byDay shard writes/s (${Math.round(shardsWrittenAtOnce)} slice of a shard at once, cost projected)`,
        load: shardsWrittenAtOnce * sliceWriteRate * entryWriteUnits,
        limit: AWS_LIMITS.partitionWriteUnitsPerSecond,
      },
    }),
  );
  const repriceWriteUnits =
    deployed.reprice.mapConcurrency * sliceWriteRate * (itemWriteUnits + entryWriteUnits);
  // Ingest goes on meanwhile: its average write units share the table's quota.
  const ingestWriteUnits = averagePerSecond * (1 + a.twoPhaseShare) * (itemWriteUnits + entryWriteUnits);
  const dayRepriceSeconds =
    perDay / (deployed.reprice.mapConcurrency * sliceRate) +
    Math.ceil(slices / deployed.reprice.mapConcurrency) * 0.5;
  rows.push(
    row({
      job: 'reprice --date: map (whole day)',
      run: `${slices} slices, ${deployed.reprice.mapConcurrency} at once, every call rewritten`,
      seconds: dayRepriceSeconds,
      limitSeconds: deployed.reprice.runTimeoutSeconds,
      memoryMb: sliceMemory,
      memoryLimitMb: fn('reprice').memoryMb,
      readUnits: dayReadUnits + perDay * units(deployed.itemBytes, 4096) * 0.5,
      hottest: {
        what: 'table write units/s (reprice + average ingest)',
        load: repriceWriteUnits + ingestWriteUnits,
        limit: AWS_LIMITS.tableUnitsPerSecond,
      },
    }),
  );
  return rows;
}
