/**
 * Batch poller (EventBridge Scheduler every 2 minutes, and `tokentrail jobs run batch-poller`):
 * mirrors the status of in-flight OpenAI batches and stores the results of those that ended.
 * The event may override `{"maxAttempts": n}`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { batchPollerPorts } from '../../shared/adapters/aws/analysis-batches';
import { createObservability } from '../../shared/adapters/observability';
import {
  type BatchPollerResult,
  pollAnalysisBatches,
} from '../../shared/domain/batch-analysis/jobs/poll-batches';
import type { JobLog } from '../../shared/domain/batch-analysis/jobs/ports';
import { analysisJobSettings } from '../../shared/domain/batch-analysis/jobs/settings';
import { METRIC } from '../../shared/domain/metric-names';

const { logger, metrics } = createObservability('batch-poller');

const jobLog: JobLog = {
  info: (message, attributes) => logger.info(message, { ...attributes }),
  warn: (message, attributes) => logger.warn(message, { ...attributes }),
};

/**
 * Runs the poller once.
 *
 * @example
 * await runBatchPoller({});
 */
export async function runBatchPoller(event: unknown): Promise<BatchPollerResult> {
  const { maxAttempts } = analysisJobSettings(event, process.env);
  const result = await pollAnalysisBatches({ ...batchPollerPorts(), log: jobLog }, { maxAttempts });
  metrics.addMetric(METRIC.analysisBatchesProcessed, MetricUnit.Count, result.processed);
  metrics.addMetric(METRIC.analysisRequestsCompleted, MetricUnit.Count, result.requestsCompleted);
  metrics.addMetric(METRIC.analysisRequestsFailed, MetricUnit.Count, result.requestsFailed);
  metrics.addMetric(METRIC.analysisRequestsRequeued, MetricUnit.Count, result.requestsRequeued);
  metrics.addMetric(METRIC.analysisJobErrors, MetricUnit.Count, result.errors);
  return result;
}

export const handler = middy(runBatchPoller)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
