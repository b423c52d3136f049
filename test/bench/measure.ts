/** Shared timing helpers for bench suites: warm up, then measure for a fixed time budget. */
export interface Measurement {
  operations: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `fn` repeatedly for about `budgetMs` after a warm-up and returns the rate.
 *
 * @example
 * const { perSecond } = measure(() => priceUsage(args), 1000);
 */
export function measure(fn: () => unknown, budgetMs = 1000): Measurement {
  const warmUntil = performance.now() + budgetMs / 5;
  while (performance.now() < warmUntil) fn();
  let operations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    fn();
    operations += 1;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { operations, seconds, perSecond: operations / seconds };
}

/** Formats a table of rows with aligned columns. */
export function table(rows: (string | number)[][]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? cell.toFixed(2) : cell)));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((row) => row[i]!.length)));
  return `${text.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n')}\n`;
}
