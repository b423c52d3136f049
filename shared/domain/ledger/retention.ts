/**
 * How long interactions are kept: per project (settings section `retention`, managed through
 * `GET`/`PUT /admin/retention`) or the stack-wide default (context `tokentrail:retentionDays`,
 * env `TOKENTRAIL_RETENTION_DAYS`). DynamoDB's TTL deletes an interaction once its `expiresAt`
 * (epoch seconds, computed from the interaction's own timestamp) has passed. Plain domain code.
 */
import * as z from 'zod';

import { RETENTION_ENV } from '../env-names';

/** Environment variable carrying the stack-wide default (days; 0 keeps forever). */
export { RETENTION_ENV };

/** Ten years: long enough for any audit trail, short enough to stay a sane epoch. */
export const MAX_RETENTION_DAYS = 3650;

/** The stored `retention` section and the body of `PUT /admin/retention`; `days: 0` keeps forever. */
export const retentionSchema = z.strictObject({
  days: z.int().min(0).max(MAX_RETENTION_DAYS),
});

export type Retention = z.output<typeof retentionSchema>;

/**
 * The retention in days that applies to a project: its own setting when valid, else the default.
 * An invalid stored section (never saved that way; the API validates) falls back to the default
 * rather than failing the record.
 *
 * @example
 * effectiveRetentionDays({ days: 30 }, 0); // 30
 * effectiveRetentionDays(undefined, 90); // 90
 */
export function effectiveRetentionDays(stored: unknown, defaultDays: number): number {
  const parsed = retentionSchema.safeParse(stored);
  return parsed.success ? parsed.data.days : defaultDays;
}

/**
 * The stack-wide default from the environment: a whole number of days, 0 (keep forever) when
 * unset or not a valid count.
 *
 * @example
 * defaultRetentionDays({ TOKENTRAIL_RETENTION_DAYS: '365' }); // 365
 */
export function defaultRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = retentionSchema.safeParse({ days: Number(env[RETENTION_ENV] ?? 0) });
  return parsed.success ? parsed.data.days : 0;
}

/**
 * DynamoDB TTL value (epoch seconds) for an interaction stamped `timestamp` kept `days` days;
 * undefined when kept forever.
 *
 * @example
 * expiresAtFor('2026-01-01T00:00:00.000Z', 30); // 1769817600 (2026-01-31T00:00:00Z)
 * expiresAtFor('2026-01-01T00:00:00.000Z', 0); // undefined
 */
export function expiresAtFor(timestamp: string, days: number | undefined): number | undefined {
  if (!days || days <= 0) return undefined;
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) return undefined;
  return Math.floor(millis / 1000) + days * 86_400;
}
