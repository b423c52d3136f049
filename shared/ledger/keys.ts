/**
 * Key builders for ledger items. Deterministic: the same interaction always maps to the same
 * keys, which is what makes writes idempotent and re-runs overwrite rather than add.
 */
import { createHash } from 'node:crypto';
import { dayIndexShards, shardOf, workIndexShards } from './shards';

export const interactionKey = (project: string, id: string) => ({ pk: `INT#${project}#${id}`, sk: 'INT' });

/**
 * Session index partition. The session, unpriced and day indexes all sort on the item's `daySk`
 * (`<timestamp>#<id>`): one attribute instead of three copies keeps the item smaller.
 */
export const sessionIndexKey = (project: string, sessionId: string) => ({
  sessionPk: `SES#${project}#${sessionId}`,
});

/** Stable `byDay` shard for an interaction id, so a re-delivery lands on the same shard. */
export const dayShard = (id: string): number => shardOf(id, dayIndexShards());

/** Partition of one shard of a project's unpriced work queue (`byUnpriced`). */
export const unpricedPartition = (project: string, shard: number) => `UNPRICED#${project}#${shard}`;

/** The unsharded partition older versions wrote; the reprice job still drains it. */
export const legacyUnpricedPartition = (project: string) => `UNPRICED#${project}`;

/** Sparse index entry of an interaction no rule could price yet (removed once priced). */
export const unpricedIndexKey = (project: string, id: string) => ({
  unpricedPk: unpricedPartition(project, shardOf(id, workIndexShards())),
});

/** Partition of one shard of a project's in-progress interactions (`byOpen`). */
export const openPartition = (project: string, shard: number) => `OPEN#${project}#${shard}`;

/**
 * Sparse index entry of an interaction that started and has not completed: set by a start
 * event while no completion exists, removed by the completion or by the sweep that abandons it.
 */
export const openIndexKey = (project: string, id: string) => ({
  openPk: openPartition(project, shardOf(id, workIndexShards())),
});

export const dayPartition = (project: string, day: string, shard: number) => `DAY#${project}#${day}#${shard}`;

export const dayIndexKey = (project: string, timestamp: string, id: string) => ({
  dayPk: dayPartition(project, timestamp.slice(0, 10), dayShard(id)),
  daySk: `${timestamp}#${id}`,
});

/**
 * S3 key of an offloaded payload: derived from the interaction id, plus a digest of the
 * content so a different payload re-sent under the same id can never overwrite the one the
 * stored record points at.
 */
export function payloadObjectKey(project: string, id: string, body: Uint8Array): string {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `${PAYLOAD_PREFIX}${project}/${encodeURIComponent(id)}/${digest}.json.gz`;
}

/** Prefix of offloaded (redacted) payload objects. */
export const PAYLOAD_PREFIX = 'payloads/';

/** Prefix of rollup runs' intermediate state (slice lists, partial sums), expired by lifecycle. */
export const ROLLUP_RUN_PREFIX = 'rollup-runs/';

/** Days a rollup run's state is kept: long enough to look into a failed run. */
export const ROLLUP_RUN_EXPIRY_DAYS = 3;

/** Prefix of claim-check objects: short-lived (lifecycle rule), deleted after processing. */
export const STAGING_PREFIX = 'staging/';

export const apiKeyItemKey = (keyHash: string) => ({ pk: `KEY#${keyHash}` });
