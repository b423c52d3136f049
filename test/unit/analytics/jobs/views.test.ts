/** The API views of stored anomalies and budget events: decimal USD beside exact nano-USD. */
import type { Anomaly } from '../../../../shared/domain/analytics';
import { type StoredAnomaly, toApiAnomaly, toApiBudgetEvent } from '../../../../shared/domain/analytics/jobs';

const stored = (kind: Anomaly['kind'], value: number, baseline: number): StoredAnomaly => ({
  id: `2026-11-21-${kind}-abc`,
  kind,
  period: '2026-11-21',
  project: 'acme',
  provider: 'openai',
  model: 'gpt-4o',
  value,
  baseline,
  factor: 10,
  zScore: 12.5,
  message: 'm',
  details: {} as Anomaly['details'],
  status: 'open',
  detectedAt: '2026-11-22T00:20:00.000Z',
  updatedAt: '2026-11-22T00:20:00.000Z',
});

describe('API views', () => {
  it('shows money anomalies in USD with the nano-USD alongside, rate anomalies as fractions', () => {
    expect(toApiAnomaly(stored('high_cost', 10_000_000_000, 1_000_000_000))).toMatchObject({
      unit: 'USD',
      value: 10,
      baseline: 1,
      valueNanoUsd: 10_000_000_000,
      baselineNanoUsd: 1_000_000_000,
      resolvedAt: null,
      note: null,
    });
    const rate = toApiAnomaly(stored('error_rate_spike', 0.4, 0.02));
    expect(rate).toMatchObject({ unit: 'ratio', value: 0.4, baseline: 0.02 });
    expect(rate).not.toHaveProperty('valueNanoUsd');
  });

  it('shows a budget event in USD', () => {
    expect(
      toApiBudgetEvent({
        id: '2026-11-budget_warning-abc',
        project: 'acme',
        threshold: 'warning',
        month: '2026-11',
        thresholdNanos: 800_000_000,
        monthlyBudgetNanos: 1_000_000_000,
        spentNanos: 900_000_000,
        spentRatio: 0.9,
        raisedAt: '2026-11-21T00:20:00.000Z',
      }),
    ).toEqual({
      id: '2026-11-budget_warning-abc',
      threshold: 'warning',
      month: '2026-11',
      thresholdUsd: 0.8,
      spentUsd: 0.9,
      monthlyBudgetUsd: 1,
      raisedAt: '2026-11-21T00:20:00.000Z',
    });
  });
});
