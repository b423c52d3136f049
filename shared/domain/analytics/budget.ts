/**
 * Monthly budgets: which thresholds one change in month-to-date spend crosses. The caller
 * raises an event per crossing under {@link budgetEventId} with a conditional write, so each
 * threshold fires once per project and month even if spend dips (a reprice) and crosses again,
 * or the job re-runs. A new month starts from zero spend and has new event ids: it resets.
 */
import * as z from 'zod';
import type { BudgetThreshold } from './keys';
import { parseOrThrow } from './options';

const safeNanos = z.int().nonnegative();

export const budgetInputSchema = z.strictObject({
  /** The month's budget in nano-USD. */
  monthlyBudgetNanos: z.int().positive(),
  /** Fraction of the budget that raises the warning; default 0.8. Used to 6 decimals. */
  warningRatio: z.number().gt(0).lt(1).default(0.8),
  /** Month-to-date spend before the change. */
  spentNanosBefore: safeNanos,
  /** Month-to-date spend after the change. */
  spentNanosAfter: safeNanos,
  /** `YYYY-MM` (UTC). */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
});

export type BudgetInput = z.input<typeof budgetInputSchema>;

/** A threshold crossed by one change of month-to-date spend. */
export interface BudgetCrossing {
  threshold: BudgetThreshold;
  month: string;
  /** Spend at which the threshold is reached: ⌈budget × warningRatio⌉ for warning, the budget for limit. */
  thresholdNanos: number;
  monthlyBudgetNanos: number;
  /** Month-to-date spend after the change. */
  spentNanos: number;
  /** spentNanos / monthlyBudgetNanos, for messages. */
  spentRatio: number;
}

const PARTS_PER_MILLION = 1_000_000n;

/**
 * The thresholds (`warning`, then `limit`) this change of spend crosses: those with
 * `spentNanosBefore < thresholdNanos ≤ spentNanosAfter`. Reaching a threshold exactly counts.
 * A change that lowers spend crosses nothing. Integer arithmetic throughout.
 *
 * @example
 * evaluateBudget({ monthlyBudgetNanos: 100e9, warningRatio: 0.8,
 *   spentNanosBefore: 79e9, spentNanosAfter: 101e9, month: '2026-11' });
 * // [{ threshold: 'warning', thresholdNanos: 80e9, ... }, { threshold: 'limit', thresholdNanos: 100e9, ... }]
 */
export function evaluateBudget(input: BudgetInput): BudgetCrossing[] {
  const { monthlyBudgetNanos, warningRatio, spentNanosBefore, spentNanosAfter, month } = parseOrThrow(
    budgetInputSchema,
    input,
    'budget input',
  );
  // The ratio is a float (0.8 is 0.80000000000000004); in parts per million the product is exact.
  const ppm = BigInt(Math.round(warningRatio * 1_000_000));
  const warningNanos = Number(
    (BigInt(monthlyBudgetNanos) * ppm + PARTS_PER_MILLION - 1n) / PARTS_PER_MILLION,
  );
  const thresholds: [BudgetThreshold, number][] = [
    ['warning', warningNanos],
    ['limit', monthlyBudgetNanos],
  ];
  return thresholds
    .filter(([, thresholdNanos]) => spentNanosBefore < thresholdNanos && thresholdNanos <= spentNanosAfter)
    .map(([threshold, thresholdNanos]) => ({
      threshold,
      month,
      thresholdNanos,
      monthlyBudgetNanos,
      spentNanos: spentNanosAfter,
      spentRatio: spentNanosAfter / monthlyBudgetNanos,
    }));
}
