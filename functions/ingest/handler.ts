/**
 * Ingest API: authenticate, validate, assign ids, queue, answer at once. Processing
 * (redaction, pricing, storage) happens behind the queue.
 * - `POST /v1/interactions`: one interaction or `{"interactions": [...]}`; 202 with a result per item.
 * - `POST /v1/traces`: OTLP/HTTP spans (JSON or protobuf) with GenAI attributes; 200 with OTLP
 *   partial success in the request's encoding.
 * - `POST /v1/logs`: OTLP/HTTP log records; GenAI events become the content of their span's
 *   interaction (merged whichever arrives first); 200 with OTLP partial success.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Principal } from '../../shared/auth/api-keys';
import { enqueueEnvelopes } from '../../shared/aws/ingest-queue';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError, HttpError, ServiceUnavailableError } from '../../shared/http/errors';
import {
  type HttpEvent,
  type HttpResult,
  header,
  json,
  parseJsonBody,
  readBody,
} from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';
import { acceptInteractions, type ItemResult } from '../../shared/ingest/accept';
import { InvalidInteractionError } from '../../shared/interaction/errors';
import { MAX_INTERACTIONS_PER_REQUEST } from '../../shared/interaction/schema';
import { createObservability } from '../../shared/observability';
import {
  decodeOtlpProtobufLogs,
  decodeOtlpProtobufTraces,
  encodeOtlpProtobufLogsResponse,
  encodeOtlpProtobufResponse,
  InvalidOtlpRequestError,
  mapOtlpLogs,
  mapOtlpTraces,
  OTLP_PROTOBUF_CONTENT_TYPE,
  type OtlpExportTraceResponse,
  otlpEncodingOf,
  otlpPartialSuccess,
} from '../../shared/otel';

const { logger, metrics } = createObservability('ingest');

/** Validates and queues one request's interactions; results in request order. */
async function accept(principal: Principal, body: unknown): Promise<ItemResult[]> {
  let batch: ReturnType<typeof acceptInteractions>;
  try {
    batch = acceptInteractions(body, { project: principal.project, now: new Date() });
  } catch (error) {
    if (error instanceof InvalidInteractionError)
      throw new BadRequestError('invalid request body', error.issues);
    throw error;
  }
  const outcomes = batch.envelopes.length > 0 ? await enqueueEnvelopes(batch.envelopes) : [];
  const failedIds = new Map(outcomes.filter((o) => !o.ok).map((o) => [o.id, o.errorCode ?? 'failed']));
  if (failedIds.size > 0) {
    logger.error('enqueue failed', { failed: failedIds.size, codes: [...new Set(failedIds.values())] });
    metrics.addMetric('EnqueueFailures', MetricUnit.Count, failedIds.size);
  }
  return batch.results.map((result) =>
    result.status === 'accepted' && failedIds.has(result.id)
      ? { index: result.index, id: result.id, status: 'failed', retryable: true, code: 'enqueue_failed' }
      : result,
  );
}

function count(results: ItemResult[], status: ItemResult['status']): number {
  return results.filter((result) => result.status === status).length;
}

async function postInteractions(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'ingest');
  const results = await accept(principal, parseJsonBody(event).value);
  const [accepted, rejected, failed] = [
    count(results, 'accepted'),
    count(results, 'rejected'),
    count(results, 'failed'),
  ];
  metrics.addMetric('InteractionsAccepted', MetricUnit.Count, accepted);
  metrics.addMetric('InteractionsRejected', MetricUnit.Count, rejected);
  if (accepted === 0 && failed === 0) {
    throw new BadRequestError(
      'no valid interaction in request',
      results.flatMap((result) => ('issues' in result ? result.issues : [])),
    );
  }
  if (accepted === 0)
    throw new ServiceUnavailableError('could not queue any interaction; retry with the same ids');
  return json(202, { ids: results.map((result) => result.id ?? null), accepted, rejected, failed, results });
}

async function postTraces(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'ingest');
  const encoding = otlpEncodingOf(header(event, 'content-type'));
  if (encoding === undefined) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send OTLP/HTTP as JSON (application/json) or protobuf (application/x-protobuf)',
    );
  }
  let mapped: ReturnType<typeof mapOtlpTraces>;
  try {
    mapped = mapOtlpTraces(
      encoding === 'json' ? parseJsonBody(event).value : decodeOtlpProtobufTraces(readBody(event)),
    );
  } catch (error) {
    if (error instanceof InvalidOtlpRequestError)
      throw new BadRequestError('invalid OTLP trace export', error.issues);
    throw error;
  }
  const results: ItemResult[] = [];
  for (let offset = 0; offset < mapped.interactions.length; offset += MAX_INTERACTIONS_PER_REQUEST) {
    const chunk = mapped.interactions.slice(offset, offset + MAX_INTERACTIONS_PER_REQUEST);
    const chunkResults = await accept(principal, { interactions: chunk });
    results.push(...chunkResults.map((result) => ({ ...result, index: offset + result.index })));
  }
  // Rejected spans must not be retried by the exporter, so a span we failed to queue is not
  // "rejected": answer 503 and let the exporter resend the batch (span ids make that idempotent).
  if (count(results, 'failed') > 0) {
    throw new ServiceUnavailableError('could not queue every span; the exporter will retry');
  }
  const invalid = results.filter((result) => result.status === 'rejected');
  metrics.addMetric('SpansAccepted', MetricUnit.Count, count(results, 'accepted'));
  metrics.addMetric('SpansIgnored', MetricUnit.Count, mapped.ignoredSpans);
  metrics.addMetric('SpansRejected', MetricUnit.Count, mapped.rejected.length + invalid.length);
  const reasons = [
    ...mapped.rejected.map((rejected) => `span ${rejected.spanId}: ${rejected.reason}`),
    ...invalid.map((result) => {
      const id = mapped.interactions[result.index]?.id ?? `#${result.index}`;
      const issues =
        'issues' in result ? result.issues.map((issue) => `${issue.path} ${issue.message}`).join(', ') : '';
      return `span ${id}: ${issues}`;
    }),
  ];
  const answer = otlpPartialSuccess(mapped.rejected.length + invalid.length, reasons.join('; '));
  return encoding === 'json' ? json(200, answer) : protobufAnswer(answer);
}

async function postLogs(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'ingest');
  const encoding = otlpEncodingOf(header(event, 'content-type'));
  if (encoding === undefined) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send OTLP/HTTP as JSON (application/json) or protobuf (application/x-protobuf)',
    );
  }
  let mapped: ReturnType<typeof mapOtlpLogs>;
  try {
    mapped = mapOtlpLogs(
      encoding === 'json' ? parseJsonBody(event).value : decodeOtlpProtobufLogs(readBody(event)),
    );
  } catch (error) {
    if (error instanceof InvalidOtlpRequestError)
      throw new BadRequestError('invalid OTLP logs export', error.issues);
    throw error;
  }
  const results: ItemResult[] = [];
  for (let offset = 0; offset < mapped.interactions.length; offset += MAX_INTERACTIONS_PER_REQUEST) {
    const chunk = mapped.interactions.slice(offset, offset + MAX_INTERACTIONS_PER_REQUEST);
    results.push(...(await accept(principal, { interactions: chunk })));
  }
  if (count(results, 'failed') > 0) {
    throw new ServiceUnavailableError('could not queue every log record; the exporter will retry');
  }
  const invalid = results.filter((result) => result.status === 'rejected');
  metrics.addMetric('LogRecordsIgnored', MetricUnit.Count, mapped.ignoredLogRecords);
  metrics.addMetric('LogRecordsRejected', MetricUnit.Count, mapped.rejected.length + invalid.length);
  const rejected = mapped.rejected.length + invalid.length;
  const reasons = [
    ...mapped.rejected.map((entry) => entry.reason),
    ...invalid.map((result) => {
      const issues =
        'issues' in result ? result.issues.map((issue) => `${issue.path} ${issue.message}`).join(', ') : '';
      return `events of ${mapped.interactions[result.index]?.id ?? `#${result.index}`}: ${issues}`;
    }),
  ].join('; ');
  const partial = otlpPartialSuccess(rejected, reasons).partialSuccess;
  const partialSuccess = partial
    ? { rejectedLogRecords: partial.rejectedSpans, errorMessage: partial.errorMessage }
    : undefined;
  if (encoding === 'json') return json(200, partialSuccess ? { partialSuccess } : {});
  return {
    statusCode: 200,
    headers: { 'content-type': OTLP_PROTOBUF_CONTENT_TYPE },
    body: Buffer.from(encodeOtlpProtobufLogsResponse(partialSuccess)).toString('base64'),
    isBase64Encoded: true,
  };
}

/** OTLP/HTTP answers in the request's content type; API Gateway turns base64 back into bytes. */
function protobufAnswer(answer: OtlpExportTraceResponse): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': OTLP_PROTOBUF_CONTENT_TYPE },
    body: Buffer.from(encodeOtlpProtobufResponse(answer)).toString('base64'),
    isBase64Encoded: true,
  };
}

export const route = httpRouter(
  {
    'POST /v1/interactions': postInteractions,
    'POST /v1/traces': postTraces,
    'POST /v1/logs': postLogs,
  },
  logger,
);

export const handler = middy(route)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
