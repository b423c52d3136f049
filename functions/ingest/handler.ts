/**
 * `POST /v1/interactions`: authenticate, validate, assign ids, queue, answer 202 with a
 * result per item. Processing (redaction, pricing, storage) happens behind the queue.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { enqueueEnvelopes } from '../../shared/aws/ingest-queue';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError, ServiceUnavailableError } from '../../shared/http/errors';
import {
  errorResult,
  type HttpEvent,
  type HttpResult,
  json,
  parseJsonBody,
} from '../../shared/http/response';
import { acceptInteractions } from '../../shared/ingest/accept';
import { InvalidInteractionError } from '../../shared/interaction/errors';
import { createObservability, errorClassOf } from '../../shared/observability';

const { logger, metrics } = createObservability('ingest');

export async function ingestInteractions(event: HttpEvent): Promise<HttpResult> {
  try {
    const principal = await authenticate(event, 'ingest');
    const { value } = parseJsonBody(event);
    let batch: ReturnType<typeof acceptInteractions>;
    try {
      batch = acceptInteractions(value, { project: principal.project, now: new Date() });
    } catch (error) {
      if (error instanceof InvalidInteractionError)
        throw new BadRequestError('invalid request body', error.issues);
      throw error;
    }
    const rejected = batch.results.filter((result) => result.status === 'rejected');
    metrics.addMetric('InteractionsRejected', MetricUnit.Count, rejected.length);
    if (batch.envelopes.length === 0) {
      throw new BadRequestError(
        'no valid interaction in request',
        rejected.flatMap((result) => ('issues' in result ? result.issues : [])),
      );
    }

    const outcomes = await enqueueEnvelopes(batch.envelopes);
    const failedIds = new Map(outcomes.filter((o) => !o.ok).map((o) => [o.id, o.errorCode ?? 'failed']));
    const results = batch.results.map((result) =>
      result.status === 'accepted' && failedIds.has(result.id)
        ? {
            index: result.index,
            id: result.id,
            status: 'failed' as const,
            retryable: true as const,
            code: 'enqueue_failed',
          }
        : result,
    );
    const accepted = results.filter((result) => result.status === 'accepted').length;
    metrics.addMetric('InteractionsAccepted', MetricUnit.Count, accepted);
    if (failedIds.size > 0) {
      logger.error('enqueue failed', { failed: failedIds.size, codes: [...new Set(failedIds.values())] });
      metrics.addMetric('EnqueueFailures', MetricUnit.Count, failedIds.size);
    }
    if (accepted === 0)
      throw new ServiceUnavailableError('could not queue any interaction; retry with the same ids');
    return json(202, {
      ids: results.map((result) => result.id ?? null),
      accepted,
      rejected: rejected.length,
      failed: failedIds.size,
      results,
    });
  } catch (error) {
    const result = errorResult(error);
    if (result.statusCode === 500) logger.error('ingest failed', { errorClass: errorClassOf(error) });
    return result;
  }
}

export const handler = middy(ingestInteractions)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
