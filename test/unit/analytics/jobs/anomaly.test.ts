/**
 * The anomaly job (and the recorder the reconcile job shares) driven with in-memory stores:
 * test/integration/analytics/anomalies.test.ts's 15-day scenario, re-runs, a resolved anomaly,
 * and the crash between storing an anomaly and notifying.
 */
import { type Anomaly, addDays } from '../../../../shared/domain/analytics';
import {
  InvalidJobInputError,
  recordAnomaly,
  runAnomalyJob,
  runRollupJob,
} from '../../../../shared/domain/analytics/jobs';
import { call, memoryWorld } from './memory';

/** A fixed "today": nothing here reads the wall clock. */
const TODAY = '2026-05-16';
const YESTERDAY = addDays(TODAY, -1);
const DAYS = Array.from({ length: 15 }, (_, index) => addDays(TODAY, index - 15));
const PROJECT = 'acme';

/** 15 quiet days, then 10× the gpt-4o calls yesterday; every day rolled up. */
async function scenario() {
  const world = memoryWorld(`${TODAY}T06:00:00.000Z`);
  let id = 0;
  const nextId = () => {
    id += 1;
    return id;
  };
  DAYS.forEach((day, index) => {
    const gpt4o = day === YESTERDAY ? 20 : 2;
    for (let i = 0; i < gpt4o; i += 1) {
      world.ledger.put(
        `big${nextId()}`,
        call(PROJECT, `${day}T${String(8 + (i % 10)).padStart(2, '0')}:15:00.000Z`, {
          input: 100_000 + (index % 3) * 5_000,
          output: 10_000,
        }),
      );
    }
    for (let i = 0; i < 5; i += 1) {
      world.ledger.put(
        `mini${nextId()}`,
        call(PROJECT, `${day}T${String(9 + i).padStart(2, '0')}:00:00.000Z`, {
          model: 'gpt-4o-mini',
          input: 20_000 + (index % 2) * 1_000,
          output: 2_000,
        }),
      );
    }
    world.activity.markActive(PROJECT, day);
  });
  for (const date of DAYS) await runRollupJob({ date }, world.deps);
  return world;
}

describe('anomaly job', () => {
  it('finds exactly one high_cost anomaly, for yesterday, and notifies once', async () => {
    const world = await scenario();
    const summaries = [];
    for (const date of DAYS) summaries.push(await runAnomalyJob({ date }, world.deps));
    expect(summaries.filter((summary) => summary.anomalies > 0)).toEqual([
      { date: YESTERDAY, projects: 1, series: 2, anomalies: 1, new: 1 },
    ]);
    const [anomaly, ...others] = world.anomalies.items.values();
    expect(others).toEqual([]);
    const [spike] = (
      await world.rollups.queryRollups({
        project: PROJECT,
        granularity: 'day',
        from: YESTERDAY,
        to: YESTERDAY,
      })
    ).filter((rollup) => rollup.model === 'gpt-4o');
    expect(anomaly).toMatchObject({
      kind: 'high_cost',
      period: YESTERDAY,
      project: PROJECT,
      provider: 'openai',
      model: 'gpt-4o',
      status: 'open',
      value: spike!.cost.totalNanos,
      detectedAt: `${TODAY}T06:00:00.000Z`,
      notifiedAt: `${TODAY}T06:00:00.000Z`,
    });
    expect(anomaly!.factor).toBeGreaterThan(8);
    expect(anomaly!.factor).toBeLessThan(12);
    expect(world.notifier.sent).toEqual([
      expect.objectContaining({
        id: anomaly!.id,
        detailType: 'Cost Anomaly Detected',
        project: PROJECT,
        subject: `tokentrail: high_cost for ${PROJECT} gpt-4o on ${YESTERDAY}`,
        detail: expect.objectContaining({
          kind: 'high_cost',
          period: YESTERDAY,
          model: 'gpt-4o',
          unit: 'nanoUsd',
        }),
      }),
    ]);
    expect(world.metrics.named('AnomaliesDetected')).toEqual([
      { name: 'AnomaliesDetected', value: 1, dimensions: { kind: 'high_cost' } },
    ]);
    expect(world.metrics.named('AnomalySeriesJudged')).toHaveLength(15);
  });

  it('re-runs update the anomaly, never duplicate it or notify again (also through the daily rollup)', async () => {
    const world = await scenario();
    await runAnomalyJob({ date: YESTERDAY }, world.deps);
    world.clock.current = new Date(`${TODAY}T07:00:00.000Z`);
    expect(await runAnomalyJob({ date: YESTERDAY }, world.deps)).toMatchObject({ anomalies: 1, new: 0 });
    const daily = await runRollupJob({ schedule: 'daily', date: YESTERDAY }, world.deps);
    expect(daily.anomalies).toMatchObject({ date: YESTERDAY, anomalies: 1, new: 0 });
    expect(world.anomalies.items.size).toBe(1);
    expect([...world.anomalies.items.values()][0]).toMatchObject({
      detectedAt: `${TODAY}T06:00:00.000Z`,
      updatedAt: `${TODAY}T07:00:00.000Z`,
    });
    expect(world.notifier.sent).toHaveLength(1);
  });

  it('keeps a resolved anomaly resolved when the jobs run again, without notifying', async () => {
    const world = await scenario();
    await runAnomalyJob({ date: YESTERDAY }, world.deps);
    const [id] = world.anomalies.items.keys();
    world.anomalies.resolve(id!, 'load test, expected');
    await runRollupJob({ schedule: 'daily', date: YESTERDAY }, world.deps);
    await runAnomalyJob({ date: YESTERDAY }, world.deps);
    expect(world.anomalies.items.get(id!)).toMatchObject({ status: 'resolved', note: 'load test, expected' });
    expect(world.notifier.sent).toHaveLength(1);
  });

  it('notifies on the next run when publishing failed after the anomaly was stored (once)', async () => {
    const world = await scenario();
    world.notifier.failNext = 1;
    await expect(runAnomalyJob({ date: YESTERDAY }, world.deps)).rejects.toThrow(/publish of/);
    const [stored] = world.anomalies.items.values();
    expect(stored).toMatchObject({ status: 'open' });
    expect(stored!.notifiedAt).toBeUndefined();
    expect(await runAnomalyJob({ date: YESTERDAY }, world.deps)).toMatchObject({ anomalies: 1, new: 0 });
    expect(world.notifier.sent).toHaveLength(1);
    expect(await runAnomalyJob({ date: YESTERDAY }, world.deps)).toMatchObject({ anomalies: 1, new: 0 });
    expect(world.notifier.sent).toHaveLength(1);
  });

  it('judges yesterday by default, every project active in the window, and the projects asked for', async () => {
    const world = await scenario();
    world.activity.markActive('quiet', DAYS[3]!);
    expect(await runAnomalyJob({}, world.deps)).toMatchObject({ date: YESTERDAY, projects: 2, anomalies: 1 });
    expect(await runAnomalyJob({ projects: ['quiet'] }, world.deps)).toMatchObject({
      projects: 1,
      series: 0,
    });
    // Outside the 28-day window of the day judged, a project is not looked at.
    expect(await runAnomalyJob({ date: addDays(DAYS[3]!, 29) }, world.deps)).toMatchObject({ projects: 1 });
    await expect(runAnomalyJob({ date: 'yesterday' }, world.deps)).rejects.toBeInstanceOf(
      InvalidJobInputError,
    );
  });

  it('records a reconciliation anomaly through the same recorder: stored once, notified once', async () => {
    const world = memoryWorld();
    const anomaly = {
      id: '2026-05-15-untracked_usage-abc',
      kind: 'untracked_usage' as const,
      period: '2026-05-15',
      project: PROJECT,
      provider: 'openai',
      model: 'gpt-4o',
      value: 0.909,
      baseline: 0.98,
      factor: null,
      zScore: 0,
      message: 'gpt-4o: the ledger saw 90.9% of the calls the provider reported',
      details: {} as Anomaly['details'],
    };
    expect(await recordAnomaly(anomaly, world.deps)).toEqual({ created: true });
    expect(await recordAnomaly(anomaly, world.deps)).toEqual({ created: false });
    expect(world.notifier.sent).toEqual([
      expect.objectContaining({ id: anomaly.id, detail: expect.objectContaining({ unit: 'ratio' }) }),
    ]);
  });
});
