/**
 * Validates analytics options and inputs with zod, turning zod's issues into an
 * {@link InvalidAnalyticsInputError} that lists every problem by path.
 */
import * as z from 'zod';
import { InvalidAnalyticsInputError } from './errors';
import { assertDate } from './period';

/**
 * Parses `input` with `schema` or throws an {@link InvalidAnalyticsInputError} naming `what`.
 *
 * @example
 * const options = parseOrThrow(anomalyOptionsSchema, {}, 'anomaly options');
 */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidAnalyticsInputError(
    what,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

/** A calendar date `YYYY-MM-DD` that exists (jobs' `date` inputs). */
export const calendarDateSchema = z.string().refine((value) => {
  try {
    assertDate(value);
    return true;
  } catch {
    return false;
  }
}, 'expected a calendar date YYYY-MM-DD');
