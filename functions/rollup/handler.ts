/**
 * Rollup job (EventBridge Scheduler: hourly for today, daily at 00:15 UTC for yesterday, then
 * the anomaly job; `tokentrail jobs run rollup --date D` on demand). Event:
 * `{date?, granularity?, schedule?, anomalies?, projects?, groupByTags?}`; answers a summary.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type RollupJobSummary, runRollupJob } from '../../shared/aws/analytics-jobs';
import { createObservability } from '../../shared/observability';

const { logger, metrics } = createObservability('rollup');

/**
 * Runs the rollup job for the event's day.
 *
 * @example
 * await rollup({ date: '2026-11-21' }); // { date: '2026-11-21', projects: 1, records: 120, rollups: 30, ... }
 */
export async function rollup(event: unknown): Promise<RollupJobSummary> {
  return runRollupJob(event, { logger, metrics });
}

export const handler = middy(rollup)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
