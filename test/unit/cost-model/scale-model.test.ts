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
      ]),
    );
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
