/**
 * Rollup job (EventBridge Scheduler starts its state machine: hourly for today, daily at 00:15
 * UTC for yesterday, then the anomaly job; `tokentrail jobs run rollup --date D` on demand).
 * Event: `{date?, granularity?, schedule?, anomalies?, projects?, groupByTags?}` runs the whole
 * job in process (plan, slices with bounded parallelism, reduce); `{step: 'plan' | 'slice' |
 * 'reduce', ...}` runs one step of the state machine. Answers a summary (or the step's result).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { analyticsJobDependencies } from '../../shared/adapters/aws/analytics-jobs';
import { createObservability } from '../../shared/adapters/observability';
import { type RollupJobSummary, runRollupJob, runRollupStep } from '../../shared/domain/analytics/jobs';

const { logger, metrics } = createObservability('rollup');

const isStep = (event: unknown): event is { step: string } =>
  typeof event === 'object' && event !== null && typeof (event as { step?: unknown }).step === 'string';

/**
 * Runs the rollup job for the event's day, or one step of its state machine.
 *
 * @example
 * await rollup({ date: '2026-11-21' }); // { date: '2026-11-21', projects: 1, records: 120, rollups: 30, ... }
 */
export async function rollup(event: unknown): Promise<RollupJobSummary | unknown> {
  const deps = analyticsJobDependencies({ logger, metrics });
  if (isStep(event)) return runRollupStep(event, deps);
  return runRollupJob(event, deps);
}

export const handler = middy(rollup)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
