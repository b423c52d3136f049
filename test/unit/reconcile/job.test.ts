import type { Anomaly } from '../../../shared/domain/analytics/anomaly';
import {
  type ProviderAccount,
  ProviderReportError,
  type ProviderReportPort,
  type ReconcileDependencies,
  ReconcileFailedError,
  type ReconciliationItem,
  runReconcile,
} from '../../../shared/domain/reconcile';
import { DAY, ledgerDay, providerDay } from './fixtures';

/** Fakes of every dependency; a provider mapped to `null` has no report adapter. */
function fakes(reports: Record<string, ProviderReportPort['read'] | null>) {
  const stored = new Map<string, ReconciliationItem[]>();
  const anomalies = new Map<string, Anomaly>();
  const accounts: ProviderAccount[] = Object.keys(reports).map((provider) => ({
    provider,
    adminKey: `key-${provider}`,
    scope: {},
  }));
  const deps: ReconcileDependencies = {
    accounts: { projects: async () => ['acme'], of: async () => accounts },
    reportFor: (account) =>
      reports[account.provider]
        ? { provider: account.provider, read: reports[account.provider]! }
        : undefined,
    ledgerUsage: async () => [
      ledgerDay({
        requests: 90,
        tokens: { input: 90_000, cachedInput: 0, cacheWriteInput: 0, output: 9000 },
        costNanos: 315_000_000,
      }),
    ],
    activeOn: async () => true,
    overrides: async () => [],
    replaceItems: async (project, provider, from, to, items) => {
      stored.set(`${project}/${provider}/${from}/${to}`, [...items]);
      return { written: items.length, deleted: 0 };
    },
    recordAnomaly: async (anomaly) => {
      const created = !anomalies.has(anomaly.id);
      anomalies.set(anomaly.id, anomaly);
      return { created };
    },
    now: () => new Date(`2026-11-22T02:00:00Z`),
  };
  return { deps, stored, anomalies };
}

const openAiReport: ProviderReportPort['read'] = async () => ({
  usage: [providerDay()],
  costs: [{ date: DAY, model: 'gpt-4o-2024-08-06', costNanos: 350_000_000 }],
});

describe('runReconcile', () => {
  it('reconciles yesterday by default, stores the items and raises anomalies once', async () => {
    const { deps, stored, anomalies } = fakes({ openai: openAiReport });
    const summary = await runReconcile({}, deps);
    expect(summary).toMatchObject({
      from: DAY,
      to: DAY,
      projects: 1,
      items: 1,
      anomalies: 1,
      new: 1,
      failed: [],
    });
    expect(summary.accounts).toEqual([
      {
        project: 'acme',
        provider: 'openai',
        items: 1,
        lowestCoverage: 0.9,
        pricingDriftNanos: 0,
        untrackedNanos: 35_000_000,
        anomalies: 1,
      },
    ]);
    expect(stored.get(`acme/openai/${DAY}/${DAY}`)?.[0]?.coverage.requests).toBe(0.9);
    expect([...anomalies.values()].map((anomaly) => anomaly.kind)).toEqual(['untracked_usage']);
    expect((await runReconcile({}, deps)).new).toBe(0);
  });

  it('reads the window of `days` ending at `date`', async () => {
    const requests: unknown[] = [];
    const { deps } = fakes({
      openai: async (request) => {
        requests.push(request);
        return { usage: [], costs: [] };
      },
    });
    deps.activeOn = async () => false;
    await runReconcile({ date: DAY, days: 3 }, deps);
    expect(requests).toEqual([{ from: '2026-11-19', to: DAY, scope: {} }]);
  });

  it('leaves a day that is not rolled up yet alone, and says so', async () => {
    const { deps, stored, anomalies } = fakes({ openai: openAiReport });
    const summary = await runReconcile({ date: '2026-11-22', days: 2 }, deps).catch(
      (error: ReconcileFailedError) => error.summary,
    );
    expect(summary.failed).toEqual([
      {
        project: 'acme',
        provider: '*',
        error:
          'the ledger of 2026-11-22 is not rolled up yet (jobs run rollup --date 2026-11-22); the day was not reconciled',
      },
    ]);
    expect([...stored.keys()]).toEqual([`acme/openai/${DAY}/${DAY}`]);
    expect(anomalies.size).toBe(1);
  });

  it('finishes the other providers when one fails, then fails naming status and code only', async () => {
    const { deps, stored } = fakes({
      anthropic: async () => {
        throw new ProviderReportError('anthropic', 429, 'rate_limit_error', 'usage report');
      },
      openai: openAiReport,
      bedrock: null,
    });
    const failure = await runReconcile({ date: DAY }, deps).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReconcileFailedError);
    const { summary, message } = failure as ReconcileFailedError;
    expect(summary.failed).toEqual([
      {
        project: 'acme',
        provider: 'anthropic',
        error: 'anthropic usage report could not be read (HTTP 429, rate_limit_error)',
      },
      { project: 'acme', provider: 'bedrock', error: 'no report adapter for this provider' },
    ]);
    expect(message).not.toContain('key-');
    expect(stored.has(`acme/openai/${DAY}/${DAY}`)).toBe(true);
  });
});
