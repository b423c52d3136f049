/**
 * Key builders for ledger items. Deterministic: the same interaction always maps to the same
 * keys, which is what makes writes idempotent and re-runs overwrite rather than add.
 */
import { createHash } from 'node:crypto';
import { DAY_INDEX_SHARDS } from './tables';

export const interactionKey = (project: string, id: string) => ({ pk: `INT#${project}#${id}`, sk: 'INT' });

/**
 * Session index partition. The session, unpriced and day indexes all sort on the item's `daySk`
 * (`<timestamp>#<id>`): one attribute instead of three copies keeps the item smaller.
 */
export const sessionIndexKey = (project: string, sessionId: string) => ({
  sessionPk: `SES#${project}#${sessionId}`,
});

/** Stable shard for an interaction id, so a re-delivery lands on the same shard. */
export function dayShard(id: string): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % DAY_INDEX_SHARDS;
}

/** Sparse index entry of an interaction no rule could price yet (removed once priced). */
export const unpricedIndexKey = (project: string) => ({
  unpricedPk: `UNPRICED#${project}`,
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

/** Prefix of claim-check objects: short-lived (lifecycle rule), deleted after processing. */
export const STAGING_PREFIX = 'staging/';

export const apiKeyItemKey = (keyHash: string) => ({ pk: `KEY#${keyHash}` });
