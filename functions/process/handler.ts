/**
 * Ingest queue consumer: for each message normalize → redact → price → persist, exactly once.
 * Reports partial batch failures so only failed records are retried; a record that keeps
 * failing reaches the DLQ after the queue's maxReceiveCount.
 */

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { requestAnalysisIfSelected } from '../../shared/adapters/aws/analysis-intake';
import { markProjectActive } from '../../shared/adapters/aws/analytics-store';
import { deferRecord } from '../../shared/adapters/aws/deferral';
import { isTransientDependencyError, MalformedMessageError } from '../../shared/adapters/aws/errors';
import { saveInteraction } from '../../shared/adapters/aws/ledger-store';
import { deleteObject, getStagingObject } from '../../shared/adapters/aws/payload-store';
import { projectContext } from '../../shared/adapters/aws/project-context';
import { createObservability, errorClassOf, METRICS_NAMESPACE } from '../../shared/adapters/observability';
import { envelopeSchema, type InlineEnvelope, isClaimCheck } from '../../shared/domain/ingest/envelope';
import { redactionsOf } from '../../shared/domain/ledger/record';
import { METRIC } from '../../shared/domain/metric-names';
import { prepareInteraction } from '../../shared/domain/pipeline/prepare';
import type { RedactionCounts } from '../../shared/domain/redaction';

const { logger, metrics } = createObservability('process');
const processor = new BatchProcessor(EventType.SQS);

/** Cost and tokens of the completions stored by one invocation, per `project\u0000model`. */
export type CostTotals = Map<
  string,
  { project: string; model: string; nanos: number; input: number; output: number }
>;

/** Reads a queue message into an inline envelope, following a claim check when there is one. */
async function readEnvelope(record: SQSRecord): Promise<{ envelope: InlineEnvelope; stagingKey?: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(record.messageId, 'body is not JSON');
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success) throw new MalformedMessageError(record.messageId, 'not an ingest envelope');
  const envelope = result.data;
  if (!isClaimCheck(envelope)) return { envelope };
  const staged = envelopeSchema.safeParse(JSON.parse(await getStagingObject(envelope.claimCheck.key)));
  if (!staged.success || isClaimCheck(staged.data)) {
    throw new MalformedMessageError(record.messageId, 'claim-check object is not an inline envelope');
  }
  return { envelope: staged.data, stagingKey: envelope.claimCheck.key };
}

/**
 * Processes one queue record. Throws to have the record retried (and eventually dead-lettered).
 *
 * @example
 * await processRecord(sqsRecord, counts);
 */
export async function processRecord(
  record: SQSRecord,
  redactionTotals: RedactionCounts,
  costTotals: CostTotals = new Map(),
): Promise<void> {
  const { envelope, stagingKey } = await readEnvelope(record);
  // Records of a batch run concurrently: correlation keys go on each log call, not on the shared logger.
  logger.debug('processing', {
    interactionId: envelope.id,
    project: envelope.project,
    messageId: record.messageId,
  });
  const prepared = prepareInteraction(envelope, await projectContext(envelope.project));
  const outcome = await saveInteraction(prepared);
  // Also after a duplicate: a crash between the save and this mark must not hide the day from rollups.
  await markProjectActive(prepared.record.project, prepared.record.timestamp);
  // Idempotent too (deterministic request id), so it also runs after a duplicate.
  await requestAnalysisIfSelected(prepared);
  if (outcome.status === 'duplicate') {
    metrics.addMetric(METRIC.interactionsDuplicate, MetricUnit.Count, 1);
  } else {
    metrics.addMetric(METRIC.interactionsProcessed, MetricUnit.Count, 1);
    if (outcome.phase === 'completed' && !prepared.record.cost.priced) {
      metrics.addMetric(METRIC.interactionsUnpriced, MetricUnit.Count, 1);
    }
    if (outcome.payloadStore === 's3') metrics.addMetric(METRIC.payloadOffloads, MetricUnit.Count, 1);
    if (outcome.phase === 'completed') {
      const { project, model, cost, usage } = prepared.record;
      const group = `${project}\u0000${model}`;
      const totals = costTotals.get(group) ?? { project, model, nanos: 0, input: 0, output: 0 };
      totals.nanos += cost.totalNanos;
      totals.input += usage?.inputTokens ?? 0;
      totals.output += usage?.outputTokens ?? 0;
      costTotals.set(group, totals);
    }
    for (const [type, n] of Object.entries(redactionsOf(prepared.record))) {
      redactionTotals[type] = (redactionTotals[type] ?? 0) + n;
    }
  }
  if (stagingKey) await deleteObject(stagingKey);
}

/**
 * A dependency is down (throttling, a 5xx, a timeout, a refused connection): the record goes back
 * on the queue with a backoff delay as a new message, so an outage never spends its receive
 * budget. False when even that failed (then the record is retried the ordinary way).
 */
async function deferred(record: SQSRecord, error: unknown): Promise<boolean> {
  try {
    const { delaySeconds, deferrals } = await deferRecord(record);
    logger.warn('dependency unavailable; record deferred', {
      messageId: record.messageId,
      errorClass: errorClassOf(error),
      deferrals,
      delaySeconds,
    });
    metrics.addMetric(METRIC.recordsDeferred, MetricUnit.Count, 1);
    return true;
  } catch (sendError) {
    logger.warn('could not defer record', {
      messageId: record.messageId,
      errorClass: errorClassOf(sendError),
    });
    return false;
  }
}

export async function processBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const redactionTotals: RedactionCounts = {};
  const costTotals: CostTotals = new Map();
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      try {
        await processRecord(record, redactionTotals, costTotals);
      } catch (error) {
        if (isTransientDependencyError(error) && (await deferred(record, error))) return;
        // The class only: messages may quote content.
        logger.warn('record failed; it will be retried', {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          errorClass: errorClassOf(error),
        });
        metrics.addMetric(METRIC.recordFailures, MetricUnit.Count, 1);
        throw error;
      }
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
  for (const [type, n] of Object.entries(redactionTotals)) {
    const single = metrics.singleMetric();
    single.addDimension('type', type);
    single.addMetric(METRIC.redactions, MetricUnit.Count, n);
  }
  // One EMF document per project × model per invocation (not per record): cheap to ingest.
  // Project and model are identifiers, never payload content.
  for (const { project, model, nanos, input, output } of costTotals.values()) {
    const group = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'process' });
    group.addDimension('project', project);
    group.addDimension('model', model);
    group.addMetric(METRIC.costNanoUsd, MetricUnit.NoUnit, nanos);
    group.addMetric(METRIC.tokensIn, MetricUnit.Count, input);
    group.addMetric(METRIC.tokensOut, MetricUnit.Count, output);
    group.publishStoredMetrics();
  }
  return response;
}

export const handler = middy(processBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
