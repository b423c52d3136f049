/**
 * The reconcile job wired to AWS: accounts from Secrets Manager, reports from the providers'
 * admin APIs, the ledger's daily rollups through the analytics store's read function, items in
 * the ledger table, anomalies through the anomaly store and notifier. The use case itself is
 * shared/reconcile/job.ts.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { reportFor } from '../adapters/provider-reports';
import { METRIC } from '../metric-names';
import { parsePricingRules } from '../pricing/overrides';
import { type ReconcileJobSummary, runReconcile } from '../reconcile/job';
import type { LedgerUsage } from '../reconcile/types';
import { type JobDependencies, recordAnomaly } from './analytics-jobs';
import { activeProjects, queryRollups } from './analytics-store';
import { getProjectSettings } from './project-settings';
import { projectsWithAccounts, providerAccounts } from './provider-accounts';
import { replaceReconciliation } from './reconciliation-store';

/**
 * The ledger's daily model rollups of a project as reconciliation input. `requests` are the
 * successful calls: a failed call may never have reached the provider's model.
 */
export async function ledgerUsage(project: string, from: string, to: string): Promise<LedgerUsage[]> {
  const rollups = await queryRollups({ project, granularity: 'day', from, to, level: 'model' });
  return rollups.map((rollup) => ({
    date: rollup.period,
    provider: rollup.provider,
    model: rollup.model,
    requests: rollup.successCount,
    tokens: {
      input: rollup.tokens.input,
      cachedInput: rollup.tokens.cachedInput,
      cacheWriteInput: rollup.tokens.cacheWriteInput,
      output: rollup.tokens.output,
    },
    costNanos: rollup.cost.totalNanos,
    unpricedRequests: rollup.unpricedCount,
  }));
}

/**
 * Runs the reconcile job (default: yesterday) and publishes per-provider metrics:
 * `ReconcileCoverage` (lowest coverage), `ReconcileDriftNanoUsd`, `ReconcileUntrackedNanoUsd`.
 *
 * @example
 * await runReconcileJob({ date: '2026-11-21' }, { logger, metrics });
 */
export async function runReconcileJob(event: unknown, deps: JobDependencies): Promise<ReconcileJobSummary> {
  const now = () => deps.now?.() ?? new Date();
  const summary = await runReconcile(event, {
    accounts: { projects: () => projectsWithAccounts(), of: (project) => providerAccounts(project) },
    reportFor,
    ledgerUsage,
    activeOn: async (project, day) => (await activeProjects(day)).includes(project),
    overrides: async (project) => {
      const settings = await getProjectSettings(project);
      return settings.pricing === undefined ? [] : parsePricingRules(settings.pricing);
    },
    replaceItems: (project, provider, from, to, items) =>
      replaceReconciliation(project, provider, from, to, items),
    recordAnomaly: (anomaly) => recordAnomaly(anomaly, deps),
    now,
  }).catch((error: unknown) => {
    const partial = (error as { summary?: ReconcileJobSummary }).summary;
    if (partial) publishMetrics(partial, deps);
    throw error;
  });
  publishMetrics(summary, deps);
  deps.logger.info('reconcile job done', {
    from: summary.from,
    to: summary.to,
    projects: summary.projects,
    items: summary.items,
    anomalies: summary.anomalies,
    new: summary.new,
  });
  return summary;
}

function publishMetrics(summary: ReconcileJobSummary, deps: JobDependencies): void {
  for (const account of summary.accounts) {
    const single = deps.metrics.singleMetric();
    single.addDimension('provider', account.provider);
    if (account.lowestCoverage !== null)
      single.addMetric(METRIC.reconcileCoverage, MetricUnit.NoUnit, account.lowestCoverage);
    single.addMetric(METRIC.reconcileDriftNanoUsd, MetricUnit.Count, account.pricingDriftNanos);
    single.addMetric(METRIC.reconcileUntrackedNanoUsd, MetricUnit.Count, account.untrackedNanos);
  }
  deps.metrics.addMetric(METRIC.reconciliationItems, MetricUnit.Count, summary.items);
  if (summary.failed.length > 0)
    deps.metrics.addMetric(METRIC.reconcileFailures, MetricUnit.Count, summary.failed.length);
}
