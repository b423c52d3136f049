/**
 * The budget step of the rollup job driven with in-memory stores: test/integration/analytics/
 * budgets.test.ts's months, re-runs, both thresholds at once, and the crash between raising
 * an event and notifying.
 */
import { budgetEventId } from '../../../../shared/domain/analytics';
import { toStoredBudget } from '../../../../shared/domain/analytics/budget-settings';
import {
  evaluateProjectBudget,
  monthSpendNanos,
  runRollupJob,
} from '../../../../shared/domain/analytics/jobs';
import { call, memoryWorld } from './memory';

const PROJECT = 'acme';
/** One call of 100k input and 20k output tokens at $2.50/M and $10/M: $0.45 exactly. */
const CALL_NANOS = 450_000_000;

function world() {
  const built = memoryWorld('2026-08-20T00:00:00.000Z');
  built.budgets.settings.set(PROJECT, toStoredBudget({ monthlyBudgetUsd: 1, warningRatio: 0.8 }));
  let id = 0;
  const post = (day: string, calls = 1) => {
    for (let i = 0; i < calls; i += 1) {
      id += 1;
      built.ledger.put(`b${id}`, call(PROJECT, `${day}T12:00:00.000Z`, { input: 100_000, output: 20_000 }));
    }
    built.activity.markActive(PROJECT, day);
  };
  const rollup = async (date: string) => (await runRollupJob({ date }, built.deps)).budgetEvents;
  const thresholds = () =>
    built.notifier.sent
      .filter((notification) => notification.detailType === 'Budget Threshold Crossed')
      .map((notification) => notification.detail.threshold);
  return { ...built, post, rollup, thresholds };
}

describe('budget step of the rollup job', () => {
  it('raises the warning, then the limit, once each; re-runs raise nothing new', async () => {
    const w = world();
    w.post('2026-07-01');
    expect(await w.rollup('2026-07-01')).toBe(0); // $0.45 of $1.00
    expect(await monthSpendNanos(w.rollups, PROJECT, '2026-07')).toBe(CALL_NANOS);

    w.post('2026-07-02');
    expect(await w.rollup('2026-07-02')).toBe(1); // $0.90: warning at $0.80
    expect(await w.rollup('2026-07-02')).toBe(0);
    expect(await w.rollup('2026-07-01')).toBe(0);
    expect(w.thresholds()).toEqual(['warning']);

    w.post('2026-07-03');
    expect(await w.rollup('2026-07-03')).toBe(1); // $1.35: limit at $1.00
    for (const date of ['2026-07-01', '2026-07-02', '2026-07-03']) expect(await w.rollup(date)).toBe(0);
    expect(w.thresholds()).toEqual(['warning', 'limit']);
    expect(w.notifier.sent[1]).toMatchObject({
      id: budgetEventId(PROJECT, '2026-07', 'limit'),
      subject: `tokentrail: ${PROJECT} budget limit for 2026-07`,
      message: `${PROJECT} spent $1.35 in 2026-07, 135.0% of its $1 budget (limit at $1)`,
      detail: { month: '2026-07', spentNanoUsd: 3 * CALL_NANOS, thresholdUsd: 1, monthlyBudgetUsd: 1 },
    });
    expect([...w.budgets.events.values()].map((event) => [event.threshold, event.thresholdNanos])).toEqual([
      ['warning', 800_000_000],
      ['limit', 1_000_000_000],
    ]);
    expect(w.metrics.named('BudgetThresholdsCrossed').map((metric) => metric.dimensions)).toEqual([
      { threshold: 'warning' },
      { threshold: 'limit' },
    ]);
  });

  it('starts over in a new month, and raises both thresholds when one day crosses both', async () => {
    const w = world();
    w.post('2026-07-01', 3);
    expect(await w.rollup('2026-07-01')).toBe(2);
    w.post('2026-08-01', 3);
    expect(await w.rollup('2026-08-01')).toBe(2); // $1.35 on the first day of the month
    expect(await w.rollup('2026-08-01')).toBe(0);
    expect(w.thresholds()).toHaveLength(4);
    expect(w.budgets.events.size).toBe(4);
  });

  it('evaluates nothing without a budget, and logs (never throws on) an invalid one', async () => {
    const w = world();
    w.post('2026-07-01', 3);
    w.budgets.settings.delete(PROJECT);
    expect(await w.rollup('2026-07-01')).toBe(0);
    w.budgets.settings.set(PROJECT, { monthlyBudgetUsd: -1 });
    expect(await w.rollup('2026-07-01')).toBe(0);
    expect(w.logger.lines).toContainEqual({
      level: 'warn',
      message: 'invalid budget settings; budget not evaluated',
      details: { project: PROJECT },
    });
    expect(w.notifier.sent).toEqual([]);
  });

  it('notifies on the next run when publishing failed after the event was raised, without raising it again', async () => {
    const w = world();
    w.post('2026-07-01', 2);
    await runRollupJob({ date: '2026-07-01' }, w.deps);
    w.notifier.failNext = 1;
    w.post('2026-07-02', 1);
    await expect(w.rollup('2026-07-02')).rejects.toThrow(/publish of/);
    expect([...w.budgets.events.values()].map((event) => [event.threshold, event.notifiedAt])).toEqual([
      ['warning', '2026-08-20T00:00:00.000Z'],
      ['limit', undefined],
    ]);
    expect(await evaluateProjectBudget(PROJECT, '2026-07', w.deps)).toBe(0);
    expect(w.thresholds()).toEqual(['warning', 'limit']);
    expect(await w.rollup('2026-07-02')).toBe(0);
    expect(w.thresholds()).toEqual(['warning', 'limit']);
  });
});
