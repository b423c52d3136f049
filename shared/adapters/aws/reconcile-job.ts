/**
 * The reconcile job (shared/domain/reconcile/job.ts) wired to AWS: accounts from Secrets Manager,
 * reports from the providers' admin APIs, the ledger's daily rollups and activity marks,
 * reconciliation items in the ledger table, anomalies through the analytics jobs' recorder.
 */

import { recordAnomaly } from '../../domain/analytics/jobs';
import { parsePricingRules } from '../../domain/pricing/overrides';
import { ledgerUsageOf, type ReconcileJobDependencies } from '../../domain/reconcile/job';
import { reportFor } from '../provider-reports';
import { clockOf, type JobObservability, powertoolsJobMetrics } from './analytics-jobs';
import { activeProjects, dynamoAnomalies, queryRollups } from './analytics-store';
import { notifier as environmentNotifier } from './notifications';
import { getProjectSettings } from './project-settings';
import { projectsWithAccounts, providerAccounts } from './provider-accounts';
import { replaceReconciliation } from './reconciliation-store';

/**
 * Every dependency of the reconcile job, on AWS.
 *
 * @example
 * await runReconcileJob({ date: '2026-11-21' }, reconcileJobDependencies({ logger, metrics }));
 */
export function reconcileJobDependencies(observability: JobObservability): ReconcileJobDependencies {
  const clock = clockOf(observability.now);
  const metrics = powertoolsJobMetrics(observability.metrics);
  const recorder = {
    anomalies: dynamoAnomalies,
    notifier: observability.notifier ?? environmentNotifier(),
    metrics,
    clock,
  };
  return {
    accounts: { projects: () => projectsWithAccounts(), of: (project) => providerAccounts(project) },
    reportFor,
    ledgerUsage: async (project, from, to) =>
      ledgerUsageOf(await queryRollups({ project, granularity: 'day', from, to, level: 'model' })),
    activeOn: async (project, day) => (await activeProjects(day)).includes(project),
    overrides: async (project) => {
      const settings = await getProjectSettings(project);
      return settings.pricing === undefined ? [] : parsePricingRules(settings.pricing);
    },
    replaceItems: replaceReconciliation,
    recordAnomaly: (anomaly) => recordAnomaly(anomaly, recorder),
    now: () => clock.now(),
    logger: observability.logger,
    metrics,
  };
}
