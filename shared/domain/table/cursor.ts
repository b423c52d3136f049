/**
 * List cursors of the table: opaque to clients (base64url JSON), read back strictly. A cursor no
 * list handed out (forged, truncated, or from another list or filter) is an
 * {@link InvalidCursorError}, which the HTTP layer answers with a 400 on `cursor`; never a fresh
 * start and never a 500. Two shapes exist: the sort key of the last item returned
 * ({@link afterCursor}), for lists merged from several partitions, and a DynamoDB page position
 * ({@link pageCursor}), for lists read a partition at a time. Plain domain code.
 */
import * as z from 'zod';

/**
 * A list cursor that no list of this project and filter handed out (forged, truncated, or from
 * another list). The HTTP layer answers it with a 400 on `cursor`.
 */
export class InvalidCursorError extends Error {
  public readonly list: string;

  public constructor(list: string) {
    super(`not a cursor from this ${list} list's nextCursor`);
    this.name = 'InvalidCursorError';
    this.list = list;
  }
}

/**
 * The opaque form of a cursor.
 *
 * @example
 * encodeCursor({ after: '2026-11-21T09:00:00.000Z#call-42' }); // 'eyJhZnRlciI6…'
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Reads a cursor of {@link encodeCursor} that must have the shape `schema` describes.
 *
 * @throws {InvalidCursorError} when it is not one (named after `list`).
 * @example
 * decodeCursor(query.cursor, 'interactions', afterCursor(SORT_KEY)).after;
 */
export function decodeCursor<T>(cursor: string, list: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(list);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError(list);
  return result.data;
}

/**
 * The shape of a cursor that is the sort key of the last item returned (`{after}`), which must
 * match `sortKey` so that a made-up value never reaches a key condition.
 *
 * @example
 * afterCursor(/^\d{4}-\d{2}-\d{2}-/); // anomaly ids start with their day
 */
export const afterCursor = (sortKey: RegExp) => z.object({ after: z.string().regex(sortKey) });

/** Position of a list read partition by partition: the partition's index and DynamoDB's last evaluated key. */
export interface PageCursor {
  /** Index of the partition (e.g. the status) the page stopped in. */
  s: number;
  /** `LastEvaluatedKey` of the page; absent at the start of partition `s`. */
  k?: Record<string, unknown>;
}

/** The shape of a {@link PageCursor}; check its key with {@link isKeyOf} before using it. */
export const pageCursor: z.ZodType<PageCursor> = z.object({
  s: z.int().min(0),
  k: z
    .custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    )
    .optional(),
});

/**
 * True when `key` has exactly these string attributes, with the given values where pinned: a
 * cursor's start key may only resume inside the partition it came from.
 *
 * @example
 * isKeyOf(cursor.k, ['pk', 'sk'], { pk: `ABATCH#${project}` });
 */
export function isKeyOf(
  key: Record<string, unknown>,
  names: readonly string[],
  pinned: Record<string, string>,
): boolean {
  const present = Object.keys(key).sort();
  return (
    present.length === names.length &&
    [...names].sort().every((name, i) => present[i] === name && typeof key[name] === 'string') &&
    Object.entries(pinned).every(([name, value]) => key[name] === value)
  );
}
