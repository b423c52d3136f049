/**
 * Reconcile job (EventBridge Scheduler daily after the rollups; `tokentrail jobs run reconcile
 * --date D` on demand): the providers' own usage and cost reports against the ledger's rollups.
 * Event: `{date?, days?, projects?, options?}`; answers a summary.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { reconcileJobDependencies } from '../../shared/adapters/aws/reconcile-job';
import { createObservability } from '../../shared/adapters/observability';
import { type ReconcileJobSummary, runReconcileJob } from '../../shared/domain/reconcile/job';

const { logger, metrics } = createObservability('reconcile');

/**
 * Runs the reconcile job for the event's days (default yesterday).
 *
 * @example
 * await reconcile({ date: '2026-11-21' }); // { from: '2026-11-21', to: '2026-11-21', items: 3, anomalies: 1, ... }
 */
export async function reconcile(event: unknown): Promise<ReconcileJobSummary> {
  return runReconcileJob(event, reconcileJobDependencies({ logger, metrics }));
}

export const handler = middy(reconcile)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
