import type { Measurements } from '../../../infra/scale-model/measure';
import { AWS_LIMITS, type DeployedScale, scaleRows } from '../../../infra/scale-model/model';

const measured: Measurements = {
  sliceRecords: 50_000,
  rollupMicrosPerRecord: 6,
  partialBytes: 300_000,
  partialMs: 120,
  mergeMsPerPartial: 90,
  sliceHeapMb: 40,
  repriceMicrosPerRecord: 3,
  processMsPerRecord: 4,
};
const deployed: DeployedScale = {
  dayIndexShards: 16,
  workIndexShards: 8,
  processMaxConcurrency: 300,
  processBatchSize: 50,
  mapConcurrency: 64,
  dayEntryBytes: 531,
  itemBytes: 1780,
  reprice: {
    mapConcurrency: 16,
    runTimeoutSeconds: 86_400,
    pageSize: 500,
    sliceWriteConcurrency: 3,
    sliceWorkSeconds: 540,
  },
  functions: {
    ingest: { memoryMb: 512, timeoutSeconds: 10 },
    process: { memoryMb: 1024, timeoutSeconds: 60 },
    rollup: { memoryMb: 1024, timeoutSeconds: 600 },
    sweep: { memoryMb: 512, timeoutSeconds: 300 },
    reprice: { memoryMb: 1024, timeoutSeconds: 900 },
  },
};
const job = (rows: ReturnType<typeof scaleRows>, name: string) => rows.find((row) => row.job === name)!;

describe('scale model', () => {
  it('judges every job against its limits and reports the smallest headroom', () => {
    const rows = scaleRows(10_000_000, deployed, measured);
    for (const row of rows) {
      expect(row.headroom).toBeGreaterThan(0);
      expect(row.fits).toBe(row.headroom >= 1.5);
    }
    expect(rows.map((row) => row.job)).toEqual(
      expect.arrayContaining([
        'ingest',
        'process',
        'rollup: slice',
        'rollup: map (whole day)',
        'rollup: reduce',
        'sweep',
        'reprice --date: slice',
        'reprice --date: map (whole day)',
      ]),
    );
  });

  it('reprices a day as a map: slices hand over between invocations, the writes held under the quotas', () => {
    for (const perDay of [1_000_000, 10_000_000, 100_000_000]) {
      const rows = scaleRows(perDay, deployed, measured);
      const slice = job(rows, 'reprice --date: slice');
      const map = job(rows, 'reprice --date: map (whole day)');
      // One invocation never works past its share of the timeout, however large the slice.
      expect(slice.seconds).toBeLessThan(600);
      // One slice per shard at once, 3 writes of 8 ms in flight: 375 writes/s per partition.
      expect(slice.hottest.load).toBeCloseTo(375, 6);
      expect(map.hottest.load).toBeLessThan(AWS_LIMITS.tableUnitsPerSecond);
      expect(map.seconds).toBeLessThan(map.limitSeconds);
    }
    const big = job(scaleRows(100_000_000, deployed, measured), 'reprice --date: slice');
    expect(big.run).toMatch(/\d+ invocations/);
    // Twice the slices at once: twice the day's throughput.
    const day = (concurrency: number) =>
      job(
        scaleRows(
          100_000_000,
          { ...deployed, reprice: { ...deployed.reprice, mapConcurrency: concurrency } },
          measured,
        ),
        'reprice --date: map (whole day)',
      ).seconds;
    expect(day(32)).toBeLessThan(day(16) * 0.55);
  });

  it('spreads the day over more partitions when the shard count grows', () => {
    const hottest = (shards: number) =>
      job(scaleRows(100_000_000, { ...deployed, dayIndexShards: shards }, measured), 'process').hottest.load;
    expect(hottest(32)).toBeCloseTo(hottest(16) / 2, 6);
    expect(hottest(16)).toBeLessThan(AWS_LIMITS.partitionWriteUnitsPerSecond);
  });

  it('grows the processor concurrency with the volume, against MaximumConcurrency', () => {
    const other = (perDay: number) => job(scaleRows(perDay, deployed, measured), 'process').other!;
    expect(other(100_000_000).load).toBeCloseTo(other(10_000_000).load * 10, 6);
    expect(other(100_000_000).limit).toBe(300);
  });
});
