/**
 * The reconcile job as the handler runs it ({@link runReconcileJob}), over the analytics jobs'
 * in-memory stores: the ledger side read from real rollups, anomalies through the shared
 * recorder (stored once, notified once), metrics per provider, also when a provider fails.
 * The behaviours test/integration/reconcile proves end to end, without the emulators.
 */
import { recordAnomaly, runRollupJob } from '../../../shared/domain/analytics/jobs';
import {
  ledgerUsageOf,
  ProviderReportError,
  type ProviderReportPort,
  ReconcileFailedError,
  type ReconcileJobDependencies,
  type ReconciliationItem,
  runReconcileJob,
} from '../../../shared/domain/reconcile';
import { call, memoryWorld } from '../analytics/jobs/memory';

const DAY = '2026-11-10';
const PROJECT = 'acme';

async function setup(reports: Record<string, ProviderReportPort['read']>) {
  const world = memoryWorld('2026-11-11T02:00:00.000Z');
  // 100 successful gpt-4o calls and 5 failed ones (which may never have reached the model).
  for (let i = 0; i < 105; i += 1) {
    world.ledger.put(
      `r${i}`,
      call(PROJECT, `${DAY}T${String(i % 24).padStart(2, '0')}:10:00.000Z`, {
        input: 1000,
        output: 100,
        status: i < 100 ? 'success' : 'error',
      }),
    );
  }
  world.activity.markActive(PROJECT, DAY);
  await runRollupJob({ date: DAY }, world.deps);
  const stored = new Map<string, ReconciliationItem[]>();
  const deps: ReconcileJobDependencies = {
    accounts: {
      projects: async () => [PROJECT],
      of: async () =>
        Object.keys(reports).map((provider) => ({ provider, adminKey: `key-${provider}`, scope: {} })),
    },
    reportFor: (account) => ({ provider: account.provider, read: reports[account.provider]! }),
    ledgerUsage: async (project, from, to) =>
      ledgerUsageOf(
        await world.rollups.queryRollups({ project, granularity: 'day', from, to, level: 'model' }),
      ),
    activeOn: async (project, day) => (await world.activity.activeProjects(day)).includes(project),
    overrides: async () => [],
    replaceItems: async (project, provider, from, to, items) => {
      stored.set(`${project}/${provider}/${from}/${to}`, [...items]);
      return { written: items.length, deleted: 0 };
    },
    recordAnomaly: (anomaly) => recordAnomaly(anomaly, world.deps),
    now: () => world.clock.now(),
    logger: world.logger,
    metrics: world.metrics,
  };
  return { world, deps, stored };
}

/** The provider served 110 calls and billed them at the ledger's price. */
const openAi: ProviderReportPort['read'] = async () => ({
  usage: [
    {
      date: DAY,
      model: 'gpt-4o-2024-08-06',
      requests: 110,
      tokens: { input: 110_000, cachedInput: 0, cacheWriteInput: 0, output: 11_000 },
      batchRequests: 0,
      batchTokens: 0,
    },
  ],
  costs: [{ date: DAY, model: 'gpt-4o-2024-08-06', costNanos: 110 * 3_500_000 }],
});

describe('runReconcileJob over the rollups', () => {
  it('compares the successful calls of the rollups, raises untracked_usage once and notifies once', async () => {
    const { world, deps, stored } = await setup({ openai: openAi });
    const summary = await runReconcileJob({}, deps);
    expect(summary).toMatchObject({ from: DAY, to: DAY, items: 1, anomalies: 1, new: 1, failed: [] });
    const [item] = stored.get(`${PROJECT}/openai/${DAY}/${DAY}`)!;
    expect(item).toMatchObject({ model: 'gpt-4o', ledger: { requests: 100, costNanos: 105 * 3_500_000 } });
    expect(item!.coverage.requests).toBeCloseTo(100 / 110, 6);

    expect(await runReconcileJob({ date: DAY }, deps)).toMatchObject({ anomalies: 1, new: 0 });
    expect([...world.anomalies.items.values()].map((anomaly) => [anomaly.kind, anomaly.model])).toEqual([
      ['untracked_usage', 'gpt-4o'],
    ]);
    expect(world.notifier.sent.map((notification) => notification.detail.kind)).toEqual(['untracked_usage']);
    expect(world.logger.lines.filter((line) => line.message === 'reconcile job done')).toHaveLength(2);
  });

  it('publishes coverage, drift and untracked cost per provider, and the item count', async () => {
    const { world, deps } = await setup({ openai: openAi });
    const [account] = (await runReconcileJob({}, deps)).accounts;
    const provider = { provider: 'openai' };
    expect(account!.untrackedNanos).toBeGreaterThan(0);
    expect(world.metrics.values.filter((metric) => /^Reconcil/.test(metric.name))).toEqual([
      { name: 'ReconcileCoverage', value: 100 / 110, unit: 'None', dimensions: provider },
      { name: 'ReconcileDriftNanoUsd', value: account!.pricingDriftNanos, dimensions: provider },
      { name: 'ReconcileUntrackedNanoUsd', value: account!.untrackedNanos, dimensions: provider },
      { name: 'ReconciliationItems', value: 1 },
    ]);
  });

  it('publishes what was reconciled when a provider fails, then fails naming status and code only', async () => {
    const { world, deps } = await setup({
      anthropic: async () => {
        throw new ProviderReportError('anthropic', 401, 'authentication_error', 'usage report');
      },
      openai: openAi,
    });
    const failure = await runReconcileJob({ date: DAY }, deps).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReconcileFailedError);
    expect((failure as Error).message).toMatch(
      /anthropic usage report could not be read \(HTTP 401, authentication_error\)/,
    );
    expect((failure as Error).message).not.toContain('key-');
    expect(world.metrics.named('ReconciliationItems')).toEqual([{ name: 'ReconciliationItems', value: 1 }]);
    expect(world.metrics.named('ReconcileFailures')).toEqual([{ name: 'ReconcileFailures', value: 1 }]);
    expect(world.logger.lines.filter((line) => line.message === 'reconcile job done')).toEqual([]);
  });
});
