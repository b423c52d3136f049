/**
 * The budget step of a rollup run: raises each threshold a project's month-to-date spend has
 * reached, once per month, and notifies once.
 *
 * Steps:
 * 1. Read the project's budget; none set, nothing to do; an invalid one is logged and skipped.
 * 2. Sum the month-to-date spend from the daily project totals.
 * 3. List every threshold reached so far (from zero: the conditional write below keeps those
 *    already raised quiet, so a re-run or a reprice never raises one twice).
 * 4. For each, record the budget event under its deterministic id; count the new ones
 *    (`BudgetThresholdsCrossed`, dimension `threshold`).
 * 5. Publish the notification of each event not yet notified, then mark it notified. A crash
 *    between the two notifies again on the next run: at least once, never lost.
 */

import { METRIC } from '../../metric-names';
import { nanosToUsd } from '../../money';
import { type BudgetCrossing, evaluateBudget } from '../budget';
import { storedBudgetSchema } from '../budget-settings';
import { budgetEventId } from '../keys';
import type {
  BudgetStore,
  Clock,
  JobLogger,
  JobMetrics,
  Notification,
  Notifier,
  RollupReader,
} from './ports';

export interface BudgetJobDependencies {
  budgets: BudgetStore;
  rollups: RollupReader;
  notifier: Notifier;
  metrics: JobMetrics;
  logger: JobLogger;
  clock: Clock;
}

/**
 * Month-to-date spend of a project in nano-USD: the sum of its daily project totals in `month`.
 *
 * @example
 * await monthSpendNanos(rollupStore, 'acme', '2026-11'); // 81_250_000_000
 */
export async function monthSpendNanos(
  rollups: RollupReader,
  project: string,
  month: string,
): Promise<number> {
  const totals = await rollups.queryRollups({
    project,
    granularity: 'day',
    from: `${month}-01`,
    to: `${month}-31`,
    level: 'project',
  });
  return totals.reduce((sum, rollup) => sum + rollup.cost.totalNanos, 0);
}

/**
 * The notification of a budget threshold crossed.
 *
 * @example
 * budgetNotification('acme', id, crossing); // { detailType: 'Budget Threshold Crossed', subject: 'tokentrail: acme budget warning for 2026-11', ... }
 */
export function budgetNotification(project: string, id: string, crossing: BudgetCrossing): Notification {
  const { month } = crossing;
  const percent = (crossing.spentRatio * 100).toFixed(1);
  return {
    id,
    detailType: 'Budget Threshold Crossed',
    project,
    subject: `tokentrail: ${project} budget ${crossing.threshold} for ${month}`,
    message: `${project} spent $${nanosToUsd(crossing.spentNanos)} in ${month}, ${percent}% of its $${nanosToUsd(crossing.monthlyBudgetNanos)} budget (${crossing.threshold} at $${nanosToUsd(crossing.thresholdNanos)})`,
    detail: {
      threshold: crossing.threshold,
      month,
      spentUsd: nanosToUsd(crossing.spentNanos),
      spentNanoUsd: crossing.spentNanos,
      thresholdUsd: nanosToUsd(crossing.thresholdNanos),
      monthlyBudgetUsd: nanosToUsd(crossing.monthlyBudgetNanos),
      spentRatio: crossing.spentRatio,
    },
  };
}

/**
 * Raises the budget thresholds the project's month-to-date spend has reached, each once per
 * month; answers how many were newly raised.
 *
 * @example
 * await evaluateProjectBudget('acme', '2026-11', deps); // 1
 */
export async function evaluateProjectBudget(
  project: string,
  month: string,
  deps: BudgetJobDependencies,
): Promise<number> {
  const stored = await deps.budgets.budgetOf(project);
  if (stored === undefined || stored === null) return 0;
  const budget = storedBudgetSchema.safeParse(stored);
  if (!budget.success) {
    deps.logger.warn('invalid budget settings; budget not evaluated', { project });
    return 0;
  }
  const spent = await monthSpendNanos(deps.rollups, project, month);
  const crossings = evaluateBudget({
    monthlyBudgetNanos: budget.data.monthlyBudgetNanos,
    warningRatio: budget.data.warningRatio,
    spentNanosBefore: 0,
    spentNanosAfter: spent,
    month,
  });
  let raised = 0;
  for (const crossing of crossings) {
    const id = budgetEventId(project, month, crossing.threshold);
    const { created, notified } = await deps.budgets.recordBudgetEvent(
      project,
      id,
      crossing,
      deps.clock.now().toISOString(),
    );
    if (created) {
      raised += 1;
      deps.metrics.addWithDimensions({ threshold: crossing.threshold }, [
        { name: METRIC.budgetThresholdsCrossed, value: 1 },
      ]);
    }
    if (notified) continue;
    await deps.notifier.publish(budgetNotification(project, id, crossing));
    await deps.budgets.markBudgetEventNotified(project, id, deps.clock.now().toISOString());
  }
  return raised;
}
