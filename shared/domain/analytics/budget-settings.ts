/**
 * A project's monthly budget as stored in its settings (section `budget`) and as the admin API
 * reads and writes it. Stored in integer nano-USD; decimal USD only in the API shapes.
 */
import * as z from 'zod';
import { nanosToUsd, usdToNanos } from '../money';

/** The stored `budget` section of the project settings. */
export const storedBudgetSchema = z.strictObject({
  monthlyBudgetNanos: z.int().positive(),
  /** Fraction of the budget that raises the warning event. */
  warningRatio: z.number().gt(0).lt(1).default(0.8),
});

export type StoredBudget = z.output<typeof storedBudgetSchema>;

/** Body of `PUT /admin/budget`. */
export const budgetRequestSchema = z.strictObject({
  /** Monthly budget in USD, at most 9 decimals. */
  monthlyBudgetUsd: z
    .number()
    .positive()
    .max(9_000_000)
    .refine((usd) => {
      try {
        return usdToNanos(usd) > 0;
      } catch {
        return false;
      }
    }, 'expected a USD amount with at most 9 decimals'),
  warningRatio: z.number().gt(0).lt(1).default(0.8),
});

export type BudgetRequest = z.input<typeof budgetRequestSchema>;

/**
 * The stored section for a validated `PUT /admin/budget` body.
 *
 * @example
 * toStoredBudget({ monthlyBudgetUsd: 100, warningRatio: 0.8 }); // { monthlyBudgetNanos: 100_000_000_000, warningRatio: 0.8 }
 */
export function toStoredBudget(request: z.output<typeof budgetRequestSchema>): StoredBudget {
  return { monthlyBudgetNanos: usdToNanos(request.monthlyBudgetUsd), warningRatio: request.warningRatio };
}

/**
 * The API view of a stored budget.
 *
 * @example
 * toApiBudget({ monthlyBudgetNanos: 100_000_000_000, warningRatio: 0.8 });
 * // { monthlyBudgetUsd: 100, monthlyBudgetNanoUsd: 100_000_000_000, warningRatio: 0.8, warningUsd: 80 }
 */
export function toApiBudget(budget: StoredBudget) {
  return {
    monthlyBudgetUsd: nanosToUsd(budget.monthlyBudgetNanos),
    monthlyBudgetNanoUsd: budget.monthlyBudgetNanos,
    warningRatio: budget.warningRatio,
  };
}
