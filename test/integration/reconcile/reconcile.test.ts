/**
 * Reconciliation end to end: interactions in through the API, rolled up, the provider's side
 * seeded through `POST /_local/provider-usage`, the reconcile job reading the emulated admin
 * APIs through the real adapters (the openai SDK for OpenAI), items read back through
 * `GET /v1/reconciliation`, anomalies through `GET /v1/anomalies`.
 */
import type { LocalStack } from '../../../infra/local/twin';
import { listLocalNotifications } from '../../../shared/adapters/aws/notifications';
import { PROVIDER_ACCOUNTS_ENV } from '../../../shared/adapters/aws/provider-accounts';
import { nanosToUsdString } from '../../../shared/domain/money';
import { api, startTestStack } from '../../support/stack';
import { postCalls } from '../analytics/support';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

interface ApiItem {
  date: string;
  provider: string;
  model: string;
  models: { ledger: string[]; providerReport: string[] };
  ledger: { requests: number; tokens: Record<string, number>; costUsd: number; costNanoUsd: number };
  providerReport: {
    requests: number | null;
    tokens: Record<string, number>;
    costUsd: number | null;
    costNanoUsd: number | null;
  };
  coverage: {
    requests: number | null;
    inputTokens: number | null;
    cachedInputTokens: number | null;
    outputTokens: number | null;
  };
  driftUsd: number | null;
  driftNanoUsd: number | null;
  causes: { kind: string; [field: string]: unknown }[];
  reconciledAt: string;
}

const calls = (
  prefix: string,
  n: number,
  model: string,
  date: string,
  inputTokens: number,
  outputTokens: number,
  provider = 'openai',
) =>
  Array.from({ length: n }, (_, index) => ({
    id: `${prefix}-${index}`,
    provider,
    model,
    startedAt: `${date}T${String(index % 24).padStart(2, '0')}:10:00.000Z`,
    inputTokens,
    outputTokens,
  }));

async function seed(
  provider: 'openai' | 'anthropic',
  records: Record<string, unknown>[],
  key = stack.adminKey,
) {
  const response = await fetch(`${stack.url}/_local/provider-usage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider, records }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function reconciliation(query: Record<string, string>): Promise<ApiItem[]> {
  const answer = await api<{ reconciliation: ApiItem[] }>(
    stack,
    'GET',
    `/v1/reconciliation?${new URLSearchParams(query)}`,
    {
      key: stack.apiKey,
    },
  );
  expect(answer.status).toBe(200);
  return answer.body.reconciliation;
}

async function openAnomalies(kind: string) {
  const answer = await api<{
    anomalies: {
      id: string;
      kind: string;
      model: string;
      period: string;
      message: string;
      value: number;
      baseline: number;
    }[];
  }>(stack, 'GET', `/v1/anomalies?kind=${kind}&status=open`, { key: stack.apiKey });
  expect(answer.status).toBe(200);
  return answer.body.anomalies;
}

/** The ledger's cost of a model on a day, from its rollup (exact nano-USD). */
async function ledgerNanos(date: string, model: string): Promise<number> {
  const answer = await api<{ rollups: { model: string; cost: { totalNanoUsd: number } }[] }>(
    stack,
    'GET',
    `/v1/rollups?from=${date}&to=${date}`,
    { key: stack.apiKey },
  );
  return answer.body.rollups.find((rollup) => rollup.model === model)!.cost.totalNanoUsd;
}

describe('a day where a tenth of one model never reached the ledger', () => {
  const day = '2026-11-10';

  it('gives coverage ~0.909 and an open untracked_usage anomaly, and leaves the fully tracked model alone', async () => {
    await postCalls(stack, [
      ...calls('untracked-4o', 100, 'gpt-4o', day, 1000, 100),
      ...calls('untracked-mini', 50, 'gpt-4o-mini', day, 2000, 200),
    ]);
    await stack.runJob('rollup', { date: day });
    const fourO = await ledgerNanos(day, 'gpt-4o');
    const mini = await ledgerNanos(day, 'gpt-4o-mini');
    // The provider served 110 gpt-4o calls (it names the snapshot) and billed all of them.
    const seeded = await seed('openai', [
      {
        date: day,
        model: 'gpt-4o-2024-08-06',
        requests: 110,
        inputTokens: 110_000,
        outputTokens: 11_000,
        costUsd: nanosToUsdString((fourO / 100) * 110),
      },
      {
        date: day,
        model: 'gpt-4o-mini-2024-07-18',
        requests: 50,
        inputTokens: 100_000,
        outputTokens: 10_000,
        costUsd: nanosToUsdString(mini),
      },
    ]);
    expect(seeded.status).toBe(200);

    const summary = (await stack.runJob('reconcile', { date: day })) as Record<string, unknown>;
    expect(summary).toMatchObject({ from: day, to: day, failed: [] });

    const items = await reconciliation({ from: day, to: day, provider: 'openai' });
    const row = items.find((item) => item.model === 'gpt-4o')!;
    expect(row).toMatchObject({
      date: day,
      provider: 'openai',
      models: { ledger: ['gpt-4o'], providerReport: ['gpt-4o-2024-08-06'] },
      ledger: { requests: 100, tokens: { input: 100_000, output: 10_000 } },
      providerReport: { requests: 110, tokens: { input: 110_000, output: 11_000 } },
    });
    expect(row.coverage.requests).toBeCloseTo(100 / 110, 5);
    expect(row.coverage.inputTokens).toBeCloseTo(0.909091, 5);
    expect(row.coverage.outputTokens).toBeCloseTo(0.909091, 5);
    expect(row.driftNanoUsd).toBe(fourO - (fourO / 100) * 110);
    expect(row.causes).toEqual([
      { kind: 'untracked_calls', estimatedUsd: expect.any(Number), estimatedNanoUsd: (fourO / 100) * 10 },
    ]);
    const miniRow = items.find((item) => item.model === 'gpt-4o-mini')!;
    expect(miniRow.coverage).toEqual({
      requests: 1,
      inputTokens: 1,
      cachedInputTokens: null,
      outputTokens: 1,
    });
    expect(miniRow.driftNanoUsd).toBe(0);
    expect(miniRow.causes).toEqual([]);
    // The model filter takes the provider's snapshot name too.
    expect(
      (await reconciliation({ from: day, to: day, model: 'gpt-4o-2024-08-06' })).map((item) => item.model),
    ).toEqual(['gpt-4o']);

    const untracked = (await openAnomalies('untracked_usage')).filter((anomaly) => anomaly.period === day);
    expect(untracked).toHaveLength(1);
    expect(untracked[0]).toMatchObject({ model: 'gpt-4o', baseline: 0.98 });
    expect(untracked[0]!.value).toBeCloseTo(0.909, 3);
    // Missing calls are not also a pricing problem.
    expect((await openAnomalies('cost_drift')).filter((anomaly) => anomaly.period === day)).toEqual([]);
    const notified = await listLocalNotifications(stack.project);
    expect(notified.filter((notification) => notification.id === untracked[0]!.id)).toHaveLength(1);
  }, 120_000);

  it('re-runs are idempotent, and a re-reconciled day overwrites its items', async () => {
    const before = await reconciliation({ from: day, to: day });
    const again = (await stack.runJob('reconcile', { date: day })) as Record<string, unknown>;
    expect(again).toMatchObject({ anomalies: 1, new: 0 });
    const after = await reconciliation({ from: day, to: day });
    const strip = (items: ApiItem[]) => items.map(({ reconciledAt: _, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    expect((await openAnomalies('untracked_usage')).filter((anomaly) => anomaly.period === day)).toHaveLength(
      1,
    );
    expect(
      (await listLocalNotifications(stack.project)).filter((n) => n.detail.kind === 'untracked_usage'),
    ).toHaveLength(1);

    // The provider's report settles: gpt-4o-mini is gone from it, gpt-4o matches the ledger.
    const fourO = await ledgerNanos(day, 'gpt-4o');
    await seed('openai', [
      {
        date: day,
        model: 'gpt-4o-2024-08-06',
        requests: 100,
        inputTokens: 100_000,
        outputTokens: 10_000,
        costUsd: nanosToUsdString(fourO),
      },
    ]);
    await stack.runJob('reconcile', { date: day });
    const settled = await reconciliation({ from: day, to: day });
    expect(settled.map((item) => item.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(settled[0]!.coverage.requests).toBe(1);
    expect(settled[0]!.driftNanoUsd).toBe(0);
    expect(settled[1]).toMatchObject({
      providerReport: { requests: 0, costNanoUsd: 0 },
      causes: [{ kind: 'ledger_only' }],
    });
  }, 120_000);
});

describe('a negotiated discount (project override −20%) against the provider cost report', () => {
  const day = '2026-11-11';

  it('gives the drift and names the override', async () => {
    const rules = {
      rules: [
        {
          id: 'default/negotiated-gpt-4o-mini',
          provider: 'openai',
          model: 'gpt-4o-mini*',
          kind: 'discount',
          discountPercent: '20',
        },
      ],
    };
    expect((await api(stack, 'PUT', '/admin/pricing', { body: rules })).status).toBe(200);
    await postCalls(stack, calls('override-mini', 40, 'gpt-4o-mini', day, 100_000, 10_000));
    await stack.runJob('rollup', { date: day });
    const ledger = await ledgerNanos(day, 'gpt-4o-mini');
    // List price: 100k input at $0.15/M + 10k output at $0.60/M = $0.021 a call; 20% off is $0.0168.
    expect(ledger).toBe(40 * 16_800_000);
    await seed('openai', [
      {
        date: day,
        model: 'gpt-4o-mini-2024-07-18',
        requests: 40,
        inputTokens: 4_000_000,
        outputTokens: 400_000,
        costUsd: '0.84',
      },
    ]);
    await stack.runJob('reconcile', { date: day });

    const [row] = await reconciliation({ from: day, to: day, provider: 'openai', model: 'gpt-4o-mini' });
    expect(row).toMatchObject({
      ledger: { requests: 40, costUsd: 0.672 },
      providerReport: { requests: 40, costUsd: 0.84 },
      coverage: { requests: 1, inputTokens: 1, outputTokens: 1 },
      driftUsd: -0.168,
      driftNanoUsd: -168_000_000,
      causes: [
        {
          kind: 'override',
          ruleId: 'default/negotiated-gpt-4o-mini',
          ruleKind: 'discount',
          discountPercent: '20',
        },
      ],
    });
    const drift = (await openAnomalies('cost_drift')).filter((anomaly) => anomaly.period === day);
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ model: 'gpt-4o-mini', value: 0.672, baseline: 0.84 });
    expect(drift[0]!.message).toContain('override default/negotiated-gpt-4o-mini (20% off)');
    expect((await openAnomalies('untracked_usage')).filter((anomaly) => anomaly.period === day)).toEqual([]);
    await api(stack, 'PUT', '/admin/pricing', { body: { rules: [] } });
  }, 120_000);
});

describe('embedding calls', () => {
  const day = '2026-11-15';

  it('are compared with the embeddings usage report (input tokens and requests)', async () => {
    await postCalls(stack, calls('embed', 20, 'text-embedding-3-small', day, 500, 0));
    await stack.runJob('rollup', { date: day });
    const ledger = await ledgerNanos(day, 'text-embedding-3-small');
    await seed('openai', [
      {
        date: day,
        model: 'text-embedding-3-small',
        requests: 25,
        inputTokens: 12_500,
        outputTokens: 0,
        costUsd: nanosToUsdString((ledger / 20) * 25),
      },
    ]);
    await stack.runJob('reconcile', { date: day });
    const [row] = await reconciliation({ from: day, to: day, model: 'text-embedding-3-small' });
    expect(row).toMatchObject({
      ledger: { requests: 20, tokens: { input: 10_000, output: 0 } },
      providerReport: { requests: 25, tokens: { input: 12_500, output: 0 } },
      coverage: { requests: 0.8, inputTokens: 0.8, outputTokens: null },
      pricingDriftUsd: 0,
    });
    expect((await openAnomalies('untracked_usage')).filter((anomaly) => anomaly.period === day)).toHaveLength(
      1,
    );
  }, 120_000);
});

describe('paginated reports and rate limits', () => {
  const days = ['2026-11-12', '2026-11-13', '2026-11-14'];

  it('reads every page of both providers through 429s with retry-after', async () => {
    await postCalls(
      stack,
      days.flatMap((day, index) =>
        calls(`pages-claude-${index}`, 5, 'claude-sonnet-4-5', day, 1000, 100, 'anthropic'),
      ),
    );
    for (const day of days) await stack.runJob('rollup', { date: day });
    const records = [];
    for (const day of days) {
      records.push({
        date: day,
        model: 'claude-sonnet-4-5-20250929',
        requests: 5,
        inputTokens: 5000,
        cachedInputTokens: 0,
        outputTokens: 500,
        costUsd: nanosToUsdString(await ledgerNanos(day, 'claude-sonnet-4-5')),
      });
    }
    await seed('anthropic', records);
    await seed(
      'openai',
      days.map((day) => ({
        date: day,
        model: 'gpt-4o',
        requests: 1,
        inputTokens: 10,
        outputTokens: 1,
        costUsd: '0.000035',
      })),
    );
    stack.providerReports.configure({ maxBucketsPerPage: 1, http429: { count: 3, retryAfterSeconds: 0 } });
    const before = stack.providerReports.requests().length;

    const summary = (await stack.runJob('reconcile', { date: days[2], days: 3 })) as {
      from: string;
      to: string;
      failed: unknown[];
    };
    expect(summary).toMatchObject({ from: days[0], to: days[2], failed: [] });

    const requests = stack.providerReports.requests().slice(before);
    expect(requests.filter((request) => request.status === 429)).toHaveLength(3);
    const pages = (path: string) =>
      requests.filter((request) => request.path.endsWith(path) && request.status === 200).length;
    // One bucket a page: three days are three pages of each report.
    expect(pages('/usage_report/messages')).toBe(3);
    expect(pages('/cost_report')).toBe(3);
    expect(pages('/usage/completions')).toBe(3);
    expect(pages('/usage/embeddings')).toBe(3);
    expect(pages('/organization/costs')).toBe(3);

    const items = await reconciliation({ from: days[0]!, to: days[2]!, provider: 'anthropic' });
    expect(items.map((item) => item.date)).toEqual(days);
    for (const item of items) {
      expect(item).toMatchObject({
        model: 'claude-sonnet-4-5',
        ledger: { tokens: { input: 5000, output: 500 } },
        providerReport: { requests: null, tokens: { input: 5000, output: 500 } },
        coverage: { requests: null, inputTokens: 1, outputTokens: 1 },
        driftNanoUsd: 0,
      });
    }
    stack.providerReports.configure({});
  }, 120_000);
});

describe('admin keys', () => {
  it('never appear in errors, items, anomalies or notifications', async () => {
    const keys = Object.values(stack.providerReports.adminKeys);
    const saved = process.env[PROVIDER_ACCOUNTS_ENV.json]!;
    const wrong = 'sk-admin-WRONG-do-not-print-9f8e7d';
    const config = JSON.parse(saved) as { adminKeys: Record<string, string> };
    process.env[PROVIDER_ACCOUNTS_ENV.json] = JSON.stringify({
      ...config,
      adminKeys: { openai: wrong, anthropic: wrong },
    });
    try {
      const failure = await stack.runJob('reconcile', { date: '2026-11-10' }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(/openai usage report could not be read \(HTTP 401, invalid_api_key\)/);
      expect(failure?.message).toMatch(
        /anthropic usage report could not be read \(HTTP 401, authentication_error\)/,
      );
      for (const secret of [wrong, ...keys]) expect(failure?.message).not.toContain(secret);
    } finally {
      process.env[PROVIDER_ACCOUNTS_ENV.json] = saved;
    }
    const seededWithReadKey = await seed('openai', [], stack.apiKey);
    expect(seededWithReadKey.status).toBe(403);

    const stored = JSON.stringify([
      await reconciliation({ from: '2026-11-01', to: '2026-11-30' }),
      await openAnomalies('untracked_usage'),
      await openAnomalies('cost_drift'),
      await listLocalNotifications(stack.project),
    ]);
    for (const secret of keys) expect(stored).not.toContain(secret);
  }, 120_000);
});
