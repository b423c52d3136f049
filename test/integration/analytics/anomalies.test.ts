import type { LocalStack } from '../../../infra/local/twin';
import { upsertAnomaly } from '../../../shared/adapters/aws/analytics-store';
import { listLocalNotifications } from '../../../shared/adapters/aws/notifications';
import { addDays, detectAnomalies } from '../../../shared/domain/analytics';
import { api, startTestStack } from '../../support/stack';
import { type Call, expectedSums, getRollups, listDay, postCalls, rollupSums, sumBy } from './support';

/** A fixed "today": nothing here reads the wall clock. */
const TODAY = '2026-05-16';
const YESTERDAY = addDays(TODAY, -1);
const DAYS = Array.from({ length: 15 }, (_, index) => addDays(TODAY, index - 15));

interface ApiAnomaly {
  id: string;
  kind: string;
  period: string;
  project: string;
  provider: string;
  model: string;
  value: number;
  valueNanoUsd?: number;
  baseline: number;
  factor: number | null;
  status: 'open' | 'resolved';
  note: string | null;
}

/** 15 quiet days (gpt-4o ≈ $0.70/day, gpt-4o-mini a few cents), then 10× the gpt-4o calls yesterday. */
function scenario(): Call[] {
  const calls: Call[] = [];
  DAYS.forEach((day, index) => {
    const gpt4o = day === YESTERDAY ? 20 : 2;
    for (let i = 0; i < gpt4o; i += 1) {
      calls.push({
        id: `big-${day}-${i}`,
        model: 'gpt-4o',
        startedAt: `${day}T${String(8 + (i % 10)).padStart(2, '0')}:15:00.000Z`,
        inputTokens: 100_000 + (index % 3) * 5_000,
        outputTokens: 10_000,
        latencyMs: 900 + i,
      });
    }
    for (let i = 0; i < 5; i += 1) {
      calls.push({
        id: `mini-${day}-${i}`,
        model: 'gpt-4o-mini',
        startedAt: `${day}T${String(9 + i).padStart(2, '0')}:00:00.000Z`,
        inputTokens: 20_000 + (index % 2) * 1_000,
        outputTokens: 2_000,
        latencyMs: 300 + i,
      });
    }
  });
  return calls;
}

describe('anomalies: a 15-day scenario with a 10× spike yesterday', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
    await postCalls(stack, scenario());
    for (const date of DAYS) await stack.runJob('rollup', { date });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const listAnomalies = async (query = '') => {
    const answer = await api<{ anomalies: ApiAnomaly[]; nextCursor: string | null }>(
      stack,
      'GET',
      `/v1/anomalies${query}`,
      { key: stack.apiKey },
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('has exact daily rollups for every day', async () => {
    for (const day of DAYS) {
      const expected = sumBy(await listDay(stack, day), (interaction) => interaction.model);
      const rollups = await getRollups(stack, { from: day, to: day });
      expect(rollups.map((rollup) => rollup.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
      for (const rollup of rollups)
        expect(rollupSums(rollup)).toEqual(expectedSums(expected.get(rollup.model)!));
      expect(rollups.find((rollup) => rollup.model === 'gpt-4o')!.count).toBe(day === YESTERDAY ? 20 : 2);
    }
    const all = await getRollups(stack, { from: DAYS[0]!, to: YESTERDAY });
    expect(all).toHaveLength(30);
  });

  it('finds exactly one high_cost anomaly, for yesterday, and notifies once', async () => {
    const summaries: { date: string; anomalies: number; new: number }[] = [];
    for (const date of DAYS) {
      summaries.push(
        (await stack.runJob('anomaly', { date })) as { date: string; anomalies: number; new: number },
      );
    }
    expect(summaries.filter((summary) => summary.anomalies > 0)).toEqual([
      expect.objectContaining({ date: YESTERDAY, anomalies: 1, new: 1 }),
    ]);

    const { anomalies, nextCursor } = await listAnomalies();
    expect(nextCursor).toBeNull();
    expect(anomalies).toHaveLength(1);
    const [anomaly] = anomalies;
    const [spikeDay] = (await getRollups(stack, { from: YESTERDAY, to: YESTERDAY })).filter(
      (rollup) => rollup.model === 'gpt-4o',
    );
    expect(anomaly).toMatchObject({
      kind: 'high_cost',
      period: YESTERDAY,
      project: stack.project,
      provider: 'openai',
      model: 'gpt-4o',
      status: 'open',
      valueNanoUsd: spikeDay!.cost.totalNanoUsd,
      value: spikeDay!.cost.totalUsd,
    });
    expect(anomaly!.factor).toBeGreaterThan(8);
    expect(anomaly!.factor).toBeLessThan(12);
    expect(anomaly!.baseline).toBeGreaterThan(0.6);
    expect(anomaly!.baseline).toBeLessThan(0.8);

    const notifications = await listLocalNotifications(stack.project);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      id: anomaly!.id,
      detailType: 'Cost Anomaly Detected',
      detail: { kind: 'high_cost', period: YESTERDAY, model: 'gpt-4o' },
    });

    const one = await api<ApiAnomaly>(stack, 'GET', `/v1/anomalies/${encodeURIComponent(anomaly!.id)}`, {
      key: stack.apiKey,
    });
    expect(one).toMatchObject({ status: 200, body: { id: anomaly!.id, kind: 'high_cost' } });
  });

  it('re-runs update the anomaly, never duplicate it or notify again', async () => {
    await stack.runJob('anomaly', { date: YESTERDAY });
    await stack.runJob('rollup', { schedule: 'daily', date: YESTERDAY });
    expect((await listAnomalies()).anomalies).toHaveLength(1);
    expect(await listLocalNotifications(stack.project)).toHaveLength(1);
  });

  it('validates PATCH, answers 404 for unknown ids, and resolves', async () => {
    const [anomaly] = (await listAnomalies()).anomalies;
    const path = `/v1/anomalies/${encodeURIComponent(anomaly!.id)}`;

    const invalid = await api(stack, 'PATCH', path, {
      key: stack.adminKey,
      body: { status: 'closed', extra: 1 },
    });
    expect(invalid.status).toBe(400);
    const issues = (invalid.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(issues).toEqual(expect.arrayContaining(['status']));
    expect((await api(stack, 'PATCH', path, { key: stack.adminKey, rawBody: '{' })).status).toBe(400);

    const unknown = '2026-05-15-high_cost-00000000000000000000';
    expect((await api(stack, 'GET', `/v1/anomalies/${unknown}`, { key: stack.apiKey })).status).toBe(404);
    expect(
      (
        await api(stack, 'PATCH', `/v1/anomalies/${unknown}`, {
          key: stack.adminKey,
          body: { status: 'resolved' },
        })
      ).status,
    ).toBe(404);

    // A read-only key may look, not resolve (issue 18, class 10).
    const readOnly = await api(stack, 'PATCH', path, { key: stack.apiKey, body: { status: 'resolved' } });
    expect(readOnly).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const resolved = await api<ApiAnomaly>(stack, 'PATCH', path, {
      key: stack.adminKey,
      body: { status: 'resolved', note: 'load test, expected' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: anomaly!.id, status: 'resolved', note: 'load test, expected' });
  });

  it('keeps a resolved anomaly resolved when the jobs run again', async () => {
    await stack.runJob('rollup', { schedule: 'daily', date: YESTERDAY });
    await stack.runJob('anomaly', { date: YESTERDAY });
    const { anomalies } = await listAnomalies();
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({
      kind: 'high_cost',
      status: 'resolved',
      note: 'load test, expected',
    });
    expect(await listLocalNotifications(stack.project)).toHaveLength(1);

    expect((await listAnomalies('?status=open')).anomalies).toHaveLength(0);
    expect((await listAnomalies('?status=resolved&kind=high_cost')).anomalies).toHaveLength(1);
    expect((await listAnomalies('?kind=suspiciously_low')).anomalies).toHaveLength(0);
    expect((await listAnomalies(`?to=${addDays(YESTERDAY, -1)}`)).anomalies).toHaveLength(0);
    expect((await listAnomalies(`?from=${YESTERDAY}&to=${YESTERDAY}`)).anomalies).toHaveLength(1);
  });

  it('pages newest first with a cursor', async () => {
    // More anomalies, straight from the detector on synthetic histories, stored like the job stores them.
    const history = Array.from({ length: 14 }, (_, index) => ({
      date: addDays('2026-04-20', index - 14),
      costNanos: 1_000_000_000,
      count: 10,
      errorCount: 0,
      unpricedCount: 0,
    }));
    for (const [index, model] of ['m-a', 'm-b', 'm-c', 'm-d', 'm-e'].entries()) {
      const date = addDays('2026-04-20', -index);
      const [found] = detectAnomalies({
        project: stack.project,
        provider: 'openai',
        model,
        date,
        history: [
          ...history.filter((day) => day.date < date),
          { ...history[0]!, date, costNanos: 20_000_000_000 },
        ],
      });
      expect(found).toBeDefined();
      await upsertAnomaly(found!);
    }
    const seen: ApiAnomaly[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listAnomalies(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.anomalies.length).toBeLessThanOrEqual(2);
      seen.push(...page.anomalies);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen.map((anomaly) => anomaly.id)).size).toBe(6);
    const periods = seen.map((anomaly) => anomaly.period);
    expect(periods).toEqual([...periods].sort().reverse());
    expect(periods[0]).toBe(YESTERDAY);

    const bad = await api(stack, 'GET', '/v1/anomalies?cursor=nonsense&limit=500', { key: stack.apiKey });
    expect(bad.status).toBe(400);
  });
});
