/**
 * Switchable faults of the emulator. A fault set replaces the previous one as a whole
 * (`setFaults({})` clears everything). Batch faults are read when a batch changes status,
 * so flipping them at run time affects batches already in flight.
 */
import * as z from 'zod';
import { InvalidFaultsError } from './errors';

const fraction = z.number().min(0).max(1);

export const EmulatorFaultsSchema = z.strictObject({
  /** Every new batch fails validation (`failed` with `errors.data[]`), even with a valid file. */
  validationFailure: z
    .union([z.boolean(), z.strictObject({ code: z.string().optional(), message: z.string().optional() })])
    .optional(),
  /** Lines that go to the error file instead of the output file. */
  lineErrors: z
    .strictObject({
      customIds: z.array(z.string()).optional(),
      /** Share of the other lines picked by a seeded hash of their custom_id. */
      fraction: fraction.optional(),
      /** `response`: HTTP error inside `response` (default); `error`: top-level `error`, `response: null`. */
      style: z.enum(['response', 'error']).optional(),
      statusCode: z.number().int().min(400).max(599).optional(),
      code: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  /** `in_progress` batches expire: partial output, the rest as `batch_expired` error lines. */
  expire: z.union([z.boolean(), z.strictObject({ completedFraction: fraction.optional() })]).optional(),
  /** `in_progress` batches fail as a whole. */
  failBatch: z
    .union([z.boolean(), z.strictObject({ code: z.string().optional(), message: z.string().optional() })])
    .optional(),
  /** The next `count` API calls answer 429 with `retry-after`. */
  http429: z
    .strictObject({ count: z.number().int().min(0), retryAfterSeconds: z.number().min(0).optional() })
    .optional(),
  /**
   * The next `count` API calls answer 500. With `afterCommit`, the call takes effect first
   * (a batch is created, a file stored) and only its answer is lost: an ambiguous failure.
   */
  http500: z.strictObject({ count: z.number().int().min(0), afterCommit: z.boolean().optional() }).optional(),
  /** How cancellation behaves: polls spent in `cancelling` and share of lines finished before it stopped. */
  cancel: z
    .strictObject({
      pollsWhileCancelling: z.number().int().min(1).optional(),
      completedFraction: fraction.optional(),
    })
    .optional(),
});

export type EmulatorFaults = z.infer<typeof EmulatorFaultsSchema>;

/**
 * Validates a fault set received as JSON (control endpoint or constructor).
 *
 * @throws {InvalidFaultsError} when the value does not match {@link EmulatorFaultsSchema}
 * @example
 * parseFaults({ http429: { count: 2, retryAfterSeconds: 0 } });
 */
export function parseFaults(value: unknown): EmulatorFaults {
  const parsed = EmulatorFaultsSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidFaultsError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return structuredClone(parsed.data);
}
