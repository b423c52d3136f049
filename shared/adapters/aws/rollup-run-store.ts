/**
 * Where a scaled-out rollup run keeps its intermediate state, in the payload bucket under
 * `rollup-runs/<runId>/` (expired by a lifecycle rule): the slice list the map iterates over
 * (plain JSON, which Step Functions' item reader parses) and each slice's partial sums (gzip
 * JSON, which can exceed the 256 KB a state may pass: latency histograms). Keys are
 * deterministic per run and slice, so a retried slice overwrites its own partial.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { DayRollupPartial } from '../../domain/analytics';
import type { RollupRunStore, RollupSlice } from '../../domain/analytics/jobs';
import { ROLLUP_RUN_PREFIX } from '../../domain/ledger/objects';
import { ENV, requireEnv } from './config';
import { getPayloadObject, putPayloadObject } from './payload-store';
import { s3 } from './s3-client';

export const slicesKey = (runId: string) => `${ROLLUP_RUN_PREFIX}${runId}/slices.json`;

export const partialKey = (runId: string, slice: RollupSlice) =>
  `${ROLLUP_RUN_PREFIX}${runId}/partials/${encodeURIComponent(slice.project)}/${slice.date}/${slice.shard}-${slice.hour}.json.gz`;

/** Writes the slice list of a run (plain JSON array: the distributed map's item source). */
export async function putSlices(runId: string, slices: RollupSlice[]): Promise<string> {
  const key = slicesKey(runId);
  await s3().send(
    new PutObjectCommand({
      Bucket: requireEnv(ENV.payloadBucket),
      Key: key,
      Body: JSON.stringify(slices),
      ContentType: 'application/json',
    }),
  );
  return key;
}

/** Writes a slice's partial sums. */
export async function putPartial(
  runId: string,
  slice: RollupSlice,
  partial: DayRollupPartial,
): Promise<void> {
  await putPayloadObject(partialKey(runId, slice), gzipSync(JSON.stringify(partial)));
}

/** Reads a slice's partial sums; throws (NoSuchKey) when the slice never finished. */
export async function getPartial(runId: string, slice: RollupSlice): Promise<DayRollupPartial> {
  return JSON.parse(await getPayloadObject(partialKey(runId, slice))) as DayRollupPartial;
}

/** The payload bucket as the rollup run store of the Step Functions path. */
export const s3RollupRuns: RollupRunStore = { putSlices, putPartial, getPartial };
