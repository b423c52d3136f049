/**
 * Bounded parallelism for I/O-bound work (DynamoDB writes, slice reads): at most `limit`
 * calls in flight, results in input order. Plain domain code.
 */

/**
 * Maps `items` through `fn` with at most `limit` calls running at once; rejects with the first
 * failure (calls already started finish on their own).
 *
 * @example
 * await mapLimit(keys, 16, (key) => updateOne(key));
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
