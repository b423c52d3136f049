/**
 * Anomaly job: judges one UTC day per project × model against its trailing 28 days (run by the
 * daily rollup, and on demand: `tokentrail jobs run anomaly --date D`). Event:
 * `{date?, projects?, options?}`; answers `{date, projects, series, anomalies, new}`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { analyticsJobDependencies } from '../../shared/adapters/aws/analytics-jobs';
import { createObservability } from '../../shared/adapters/observability';
import { type AnomalyJobSummary, runAnomalyJob } from '../../shared/domain/analytics/jobs';

const { logger, metrics } = createObservability('anomaly');

/**
 * Runs the anomaly job for the event's day (default yesterday).
 *
 * @example
 * await anomaly({ date: '2026-11-21' }); // { date: '2026-11-21', projects: 1, series: 3, anomalies: 1, new: 1 }
 */
export async function anomaly(event: unknown): Promise<AnomalyJobSummary> {
  return runAnomalyJob(event, analyticsJobDependencies({ logger, metrics }));
}

export const handler = middy(anomaly)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
