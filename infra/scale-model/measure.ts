/**
 * Per-record costs of the jobs, measured in process on the real code (no network): summing
 * records into a slice's partial, the partial's size, merging partials in a reduce, pricing a
 * record again, and preparing an interaction in the processor. The fastest of five rounds each.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { toRollupSource } from '../../shared/adapters/aws/analytics-store';
import { DayRollup } from '../../shared/domain/analytics';
import type { NormalizedUsage } from '../../shared/domain/normalize';
import { priceUsage } from '../../shared/domain/pricing';
import { representativeItem, SAMPLE_TEXT_FILE } from '../cost-model/interaction-item';
import { sampleInteractionItem, seededRandom } from './sample-day';

export interface Measurements {
  /** Records summed into one partial in the measurement. */
  sliceRecords: number;
  /** CPU µs to turn one projected index item into a rollup record and sum it. */
  rollupMicrosPerRecord: number;
  /** gzip bytes of that slice's partial, and ms to serialize and compress it. */
  partialBytes: number;
  partialMs: number;
  /** ms to parse and merge one such partial in a reduce. */
  mergeMsPerPartial: number;
  /** Heap MB a slice of `sliceRecords` holds while summing. */
  sliceHeapMb: number;
  /** CPU µs to price one record again (reprice). */
  repriceMicrosPerRecord: number;
  /** CPU ms to prepare one representative 2 KB interaction (normalize, redact, price) in the processor. */
  processMsPerRecord: number;
}

// The fastest round: on a shared machine the others measure the neighbours, not the code.
const fastest = (values: number[]) => Math.min(...values);

function timed(rounds: number, run: () => void): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return fastest(samples);
}

/**
 * Measures the per-record costs on `sliceRecords` sample records.
 *
 * @example
 * measure(50_000).rollupMicrosPerRecord; // e.g. 4.1
 */
export function measure(sliceRecords = 50_000): Measurements {
  const day = '2026-06-15';
  const next = seededRandom(7);
  const items = Array.from({ length: sliceRecords }, (_, index) =>
    sampleInteractionItem('acme', day, index, next),
  );
  let slice = new DayRollup(day, ['team']);
  const heapBefore = process.memoryUsage().heapUsed;
  const rollupMs = timed(5, () => {
    slice = new DayRollup(day, ['team']);
    for (const item of items) slice.add(toRollupSource(item));
  });
  const sliceHeapMb = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 1_048_576;
  let compressed = Buffer.alloc(0);
  const partialMs = timed(5, () => {
    compressed = gzipSync(JSON.stringify(slice.toPartial()));
  });
  const json = JSON.stringify(slice.toPartial());
  const mergeMsPerPartial = timed(5, () => {
    new DayRollup(day, ['team']).merge(JSON.parse(json));
  });
  const repriceMs = timed(5, () => {
    for (const item of items.slice(0, 10_000)) {
      priceUsage({
        provider: item.provider as string,
        model: item.model as string,
        usage: item.usage as NormalizedUsage | undefined,
        at: item.timestamp as string,
        rules: [],
      });
    }
  });
  const text = readFileSync(SAMPLE_TEXT_FILE, 'utf8');
  const processMs = timed(5, () => {
    for (let index = 0; index < 20; index += 1) {
      representativeItem({ payloadBytes: 2048, text, withSession: true, id: `m-${index}` });
    }
  });
  return {
    sliceRecords,
    rollupMicrosPerRecord: (rollupMs * 1000) / sliceRecords,
    partialBytes: compressed.byteLength,
    partialMs,
    mergeMsPerPartial,
    sliceHeapMb,
    repriceMicrosPerRecord: (repriceMs * 1000) / 10_000,
    processMsPerRecord: processMs / 20,
  };
}
