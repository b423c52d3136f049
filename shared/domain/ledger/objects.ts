/**
 * Object keys of the payload bucket (offloaded payloads, claim checks, rollup runs' state).
 * Table keys are in shared/domain/table/keys.ts.
 */
import { createHash } from 'node:crypto';

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
