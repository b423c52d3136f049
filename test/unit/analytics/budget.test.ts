import fc from 'fast-check';
import {
  type BudgetCrossing,
  budgetEventId,
  evaluateBudget,
  InvalidAnalyticsInputError,
} from '../../../shared/domain/analytics';

const USD = 1_000_000_000;
const BUDGET = 100 * USD;

/** The caller's side: a conditional write per event id, as the budget job will do it. */
function budgetLedger(project: string) {
  const raised = new Map<string, BudgetCrossing>();
  const spent = new Map<string, number>();
  return {
    raised,
    /** Adds spend in a month and raises every crossed threshold whose id is new. */
    spend(month: string, nanos: number): string[] {
      const before = spent.get(month) ?? 0;
      const after = before + nanos;
      spent.set(month, after);
      const newlyRaised: string[] = [];
      for (const crossing of evaluateBudget({
        monthlyBudgetNanos: BUDGET,
        warningRatio: 0.8,
        spentNanosBefore: before,
        spentNanosAfter: after,
        month,
      })) {
        const id = budgetEventId(project, month, crossing.threshold);
        if (!raised.has(id)) {
          raised.set(id, crossing);
          newlyRaised.push(`${month} ${crossing.threshold}`);
        }
      }
      return newlyRaised;
    },
  };
}

describe('evaluateBudget', () => {
  it('crossing warning then limit in the same month raises each once', () => {
    const ledger = budgetLedger('acme');
    const events = [30, 30, 19, 1, 5, 14, 1, 50, 200].flatMap((usd) => ledger.spend('2026-11', usd * USD));
    expect(events).toEqual(['2026-11 warning', '2026-11 limit']);
    expect([...ledger.raised.values()].map((crossing) => [crossing.threshold, crossing.spentNanos])).toEqual([
      ['warning', 80 * USD],
      ['limit', 100 * USD],
    ]);
  });

  it('a new month resets', () => {
    const ledger = budgetLedger('acme');
    expect(ledger.spend('2026-11', 120 * USD)).toEqual(['2026-11 warning', '2026-11 limit']);
    expect(ledger.spend('2026-11', 10 * USD)).toEqual([]);
    expect(ledger.spend('2026-12', 50 * USD)).toEqual([]);
    expect(ledger.spend('2026-12', 40 * USD)).toEqual(['2026-12 warning']);
    expect(ledger.spend('2026-12', 10 * USD)).toEqual(['2026-12 limit']);
  });

  it('one change can cross both thresholds, warning first', () => {
    const crossings = evaluateBudget({
      monthlyBudgetNanos: BUDGET,
      spentNanosBefore: 79 * USD,
      spentNanosAfter: 101 * USD,
      month: '2026-11',
    });
    expect(crossings).toEqual([
      {
        threshold: 'warning',
        month: '2026-11',
        thresholdNanos: 80 * USD,
        monthlyBudgetNanos: BUDGET,
        spentNanos: 101 * USD,
        spentRatio: 1.01,
      },
      {
        threshold: 'limit',
        month: '2026-11',
        thresholdNanos: BUDGET,
        monthlyBudgetNanos: BUDGET,
        spentNanos: 101 * USD,
        spentRatio: 1.01,
      },
    ]);
  });

  it('reaching a threshold exactly counts; staying below, lowering spend or starting above does not', () => {
    const at = (before: number, after: number) =>
      evaluateBudget({
        monthlyBudgetNanos: BUDGET,
        spentNanosBefore: before,
        spentNanosAfter: after,
        month: '2026-11',
      }).map((crossing) => crossing.threshold);
    expect(at(0, 80 * USD)).toEqual(['warning']);
    expect(at(0, 80 * USD - 1)).toEqual([]);
    expect(at(80 * USD, 99 * USD)).toEqual([]);
    expect(at(99 * USD, BUDGET)).toEqual(['limit']);
    expect(at(BUDGET, 150 * USD)).toEqual([]);
    expect(at(150 * USD, 50 * USD)).toEqual([]);
  });

  it('a dip below and a second crossing (a reprice) keeps the same event id, so it fires once', () => {
    const ledger = budgetLedger('acme');
    expect(ledger.spend('2026-11', 85 * USD)).toEqual(['2026-11 warning']);
    expect(ledger.spend('2026-11', -10 * USD)).toEqual([]);
    expect(ledger.spend('2026-11', 10 * USD)).toEqual([]);
  });

  it('the warning threshold is ⌈budget × ratio⌉ in exact integer arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e15 }), fc.integer({ min: 1, max: 999_999 }), (budget, ppm) => {
        const [warning] = evaluateBudget({
          monthlyBudgetNanos: budget,
          warningRatio: ppm / 1_000_000,
          spentNanosBefore: 0,
          spentNanosAfter: budget,
          month: '2026-11',
        });
        const exact = (BigInt(budget) * BigInt(ppm) + 999_999n) / 1_000_000n;
        expect(BigInt(warning!.thresholdNanos)).toBe(exact);
      }),
    );
    expect(
      evaluateBudget({
        monthlyBudgetNanos: 10,
        warningRatio: 0.85,
        spentNanosBefore: 0,
        spentNanosAfter: 9,
        month: '2026-11',
      })[0]!.thresholdNanos,
    ).toBe(9);
  });

  it.each([
    [{ monthlyBudgetNanos: 0 }, 'monthlyBudgetNanos'],
    [{ monthlyBudgetNanos: 1.5 }, 'monthlyBudgetNanos'],
    [{ warningRatio: 1 }, 'warningRatio'],
    [{ spentNanosBefore: -1 }, 'spentNanosBefore'],
    [{ month: '2026-13' }, 'month'],
  ])('rejects %p', (change, path) => {
    const input = {
      monthlyBudgetNanos: BUDGET,
      spentNanosBefore: 0,
      spentNanosAfter: 1,
      month: '2026-11',
      ...change,
    };
    expect(() => evaluateBudget(input)).toThrow(InvalidAnalyticsInputError);
    try {
      evaluateBudget(input);
    } catch (error) {
      expect((error as InvalidAnalyticsInputError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});

describe('budgetEventId', () => {
  it('is one id per project, month and threshold', () => {
    const id = budgetEventId('acme', '2026-11', 'warning');
    expect(id).toBe(budgetEventId('acme', '2026-11', 'warning'));
    expect(id).toMatch(/^2026-11-budget_warning-[0-9a-f]{20}$/);
    expect(
      new Set([
        id,
        budgetEventId('acme', '2026-11', 'limit'),
        budgetEventId('acme', '2026-12', 'warning'),
        budgetEventId('acme2', '2026-11', 'warning'),
      ]).size,
    ).toBe(4);
  });
});
