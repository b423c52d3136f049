import type { LocalStack } from '../../../infra/local/twin';
import { listLocalNotifications } from '../../../shared/adapters/aws/notifications';
import { api, startTestStack } from '../../support/stack';
import { postCalls } from './support';

/** One gpt-4o call of 100k input and 20k output tokens: $0.25 + $0.20 = $0.45 exactly. */
const callOn = (day: string, id: string) => ({
  id,
  model: 'gpt-4o',
  startedAt: `${day}T12:00:00.000Z`,
  inputTokens: 100_000,
  outputTokens: 20_000,
});

interface BudgetSummary {
  budgetEvents: number;
}

describe('budgets: each threshold raises one event per month', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const rollup = async (date: string) =>
    ((await stack.runJob('rollup', { date })) as BudgetSummary).budgetEvents;
  const budgetNotifications = async () =>
    (await listLocalNotifications(stack.project)).filter(
      (notification) => notification.detailType === 'Budget Threshold Crossed',
    );

  it('stores the budget through the admin API, validated, admin only', async () => {
    const saved = await api(stack, 'PUT', '/admin/budget', {
      key: stack.adminKey,
      body: { monthlyBudgetUsd: 1, warningRatio: 0.8 },
    });
    expect(saved).toMatchObject({
      status: 200,
      body: { budget: { monthlyBudgetUsd: 1, monthlyBudgetNanoUsd: 1_000_000_000, warningRatio: 0.8 } },
    });

    const invalid = await api(stack, 'PUT', '/admin/budget', {
      key: stack.adminKey,
      body: { monthlyBudgetUsd: -5, warningRatio: 1.5, currency: 'EUR' },
    });
    expect(invalid.status).toBe(400);
    const paths = (invalid.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['monthlyBudgetUsd', 'warningRatio']));

    expect((await api(stack, 'GET', '/admin/budget', { key: stack.apiKey })).status).toBe(403);
    expect(
      (await api(stack, 'PUT', '/admin/budget', { key: stack.apiKey, body: { monthlyBudgetUsd: 1 } })).status,
    ).toBe(403);
  });

  it('raises the warning, then the limit, once each; re-runs raise nothing new', async () => {
    await postCalls(stack, [callOn('2026-07-01', 'b-1')]);
    expect(await rollup('2026-07-01')).toBe(0); // $0.45 of $1.00

    await postCalls(stack, [callOn('2026-07-02', 'b-2')]);
    expect(await rollup('2026-07-02')).toBe(1); // $0.90: warning at $0.80
    expect(await rollup('2026-07-02')).toBe(0);
    expect(await rollup('2026-07-01')).toBe(0);
    expect((await budgetNotifications()).map((notification) => notification.detail.threshold)).toEqual([
      'warning',
    ]);

    await postCalls(stack, [callOn('2026-07-03', 'b-3')]);
    expect(await rollup('2026-07-03')).toBe(1); // $1.35: limit at $1.00
    for (const date of ['2026-07-01', '2026-07-02', '2026-07-03']) expect(await rollup(date)).toBe(0);

    const notifications = await budgetNotifications();
    expect(notifications.map((notification) => notification.detail.threshold).sort()).toEqual([
      'limit',
      'warning',
    ]);
    expect(notifications.find((notification) => notification.detail.threshold === 'limit')).toMatchObject({
      detail: { month: '2026-07', spentNanoUsd: 1_350_000_000, thresholdUsd: 1 },
    });

    const budget = await api(stack, 'GET', '/admin/budget?month=2026-07', { key: stack.adminKey });
    expect(budget).toMatchObject({
      status: 200,
      body: {
        budget: { monthlyBudgetUsd: 1, warningRatio: 0.8 },
        month: '2026-07',
        spentUsd: 1.35,
        spentNanoUsd: 1_350_000_000,
      },
    });
    const events = (budget.body as { events: { threshold: string; thresholdUsd: number }[] }).events;
    expect(events.map((event) => [event.threshold, event.thresholdUsd]).sort()).toEqual([
      ['limit', 1],
      ['warning', 0.8],
    ]);
  });

  it('starts over in a new month, and raises both thresholds when one day crosses both', async () => {
    await postCalls(stack, [
      callOn('2026-08-01', 'c-1'),
      callOn('2026-08-01', 'c-2'),
      callOn('2026-08-01', 'c-3'),
    ]);
    expect(await rollup('2026-08-01')).toBe(2); // $1.35 on the first day of the month
    expect(await rollup('2026-08-01')).toBe(0);
    expect(await budgetNotifications()).toHaveLength(4);
    const august = await api(stack, 'GET', '/admin/budget?month=2026-08', { key: stack.adminKey });
    expect((august.body as { events: unknown[] }).events).toHaveLength(2);
  });
});
