/**
 * Batch creator (EventBridge Scheduler every 10 minutes, and `tokentrail jobs run batch-creator`):
 * finishes half-created batches, then turns pending analysis requests into OpenAI batches.
 * The event may override the thresholds: `{"minBatchSize": 1, "maxWaitSeconds": 0, "maxAttempts": 3}`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { batchCreatorPorts } from '../../shared/adapters/aws/analysis-batches';
import { createObservability } from '../../shared/adapters/observability';
import {
  type BatchCreatorResult,
  createAnalysisBatches,
} from '../../shared/domain/batch-analysis/jobs/create-batches';
import type { JobLog } from '../../shared/domain/batch-analysis/jobs/ports';
import { analysisJobSettings } from '../../shared/domain/batch-analysis/jobs/settings';
import { METRIC } from '../../shared/domain/metric-names';

const { logger, metrics } = createObservability('batch-creator');

/** The job's log sink: ids, counts and codes only (the jobs never pass anything else). */
export const jobLog: JobLog = {
  info: (message, attributes) => logger.info(message, { ...attributes }),
  warn: (message, attributes) => logger.warn(message, { ...attributes }),
};

/**
 * Runs the creator once with the event's overrides.
 *
 * @example
 * await runBatchCreator({ minBatchSize: 1 });
 */
export async function runBatchCreator(event: unknown): Promise<BatchCreatorResult> {
  const result = await createAnalysisBatches(
    { ...batchCreatorPorts(), log: jobLog },
    analysisJobSettings(event, process.env),
  );
  metrics.addMetric(METRIC.analysisBatchesCreated, MetricUnit.Count, result.batchIds.length);
  metrics.addMetric(METRIC.analysisRequestsBatched, MetricUnit.Count, result.requestsBatched);
  metrics.addMetric(METRIC.analysisRequestsFailed, MetricUnit.Count, result.requestsFailed);
  metrics.addMetric(METRIC.analysisJobErrors, MetricUnit.Count, result.errors);
  return result;
}

export const handler = middy(runBatchCreator)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
