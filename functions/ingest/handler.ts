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
import { enqueueEnvelopes } from '../../shared/adapters/aws/ingest-queue';
import { createObservability } from '../../shared/adapters/observability';
import type { Principal } from '../../shared/domain/auth/api-keys';
import { acceptInteractions, type ItemResult } from '../../shared/domain/ingest/accept';
import { MAX_INTERACTIONS_PER_REQUEST } from '../../shared/domain/interaction/schema';
import { METRIC } from '../../shared/domain/metric-names';
import {
  decodeOtlpProtobufLogs,
  decodeOtlpProtobufTraces,
  encodeOtlpProtobufLogsResponse,
  encodeOtlpProtobufResponse,
  mapOtlpLogs,
  mapOtlpTraces,
  OTLP_PROTOBUF_CONTENT_TYPE,
  type OtlpEncoding,
  otlpEncodingOf,
  otlpPartialSuccess,
} from '../../shared/domain/otel';
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

const { logger, metrics } = createObservability('ingest');

/** Validates and queues one request's interactions; results in request order. */
async function accept(principal: Principal, body: unknown): Promise<ItemResult[]> {
  const batch = acceptInteractions(body, { project: principal.project, now: new Date() });
  const outcomes = batch.envelopes.length > 0 ? await enqueueEnvelopes(batch.envelopes) : [];
  const failedIds = new Map(outcomes.filter((o) => !o.ok).map((o) => [o.id, o.errorCode ?? 'failed']));
  if (failedIds.size > 0) {
    logger.error('enqueue failed', { failed: failedIds.size, codes: [...new Set(failedIds.values())] });
    metrics.addMetric(METRIC.enqueueFailures, MetricUnit.Count, failedIds.size);
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
  metrics.addMetric(METRIC.interactionsAccepted, MetricUnit.Count, accepted);
  metrics.addMetric(METRIC.interactionsRejected, MetricUnit.Count, rejected);
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

/** The export's encoding and its body mapped; 415 for another media type, 400 for a body that is no such export. */
function mapOtlpExport<T>(
  event: HttpEvent,
  decodeProtobuf: (bytes: Uint8Array) => unknown,
  map: (body: unknown) => T,
): { encoding: OtlpEncoding; mapped: T } {
  const encoding = otlpEncodingOf(header(event, 'content-type'));
  if (encoding === undefined) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send OTLP/HTTP as JSON (application/json) or protobuf (application/x-protobuf)',
    );
  }
  return {
    encoding,
    mapped: map(encoding === 'json' ? parseJsonBody(event).value : decodeProtobuf(readBody(event))),
  };
}

/**
 * Queues mapped interactions 100 at a time (results indexed over the whole list). Rejected
 * records must not be retried by the exporter, so one we failed to queue is not "rejected":
 * answer 503 and let the exporter resend the batch (ids from trace and span ids make that idempotent).
 */
async function acceptAll(
  principal: Principal,
  interactions: readonly unknown[],
  what: string,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (let offset = 0; offset < interactions.length; offset += MAX_INTERACTIONS_PER_REQUEST) {
    const chunk = interactions.slice(offset, offset + MAX_INTERACTIONS_PER_REQUEST);
    const chunkResults = await accept(principal, { interactions: chunk });
    results.push(...chunkResults.map((result) => ({ ...result, index: offset + result.index })));
  }
  if (count(results, 'failed') > 0) {
    throw new ServiceUnavailableError(`could not queue every ${what}; the exporter will retry`);
  }
  return results;
}

/** `<label> <id>: <issues>` for each item the ingest contract rejected. */
function invalidReasons(
  results: ItemResult[],
  interactions: readonly { id?: string }[],
  label: string,
): string[] {
  return results.flatMap((result) => {
    if (result.status !== 'rejected') return [];
    const id = interactions[result.index]?.id ?? `#${result.index}`;
    return [`${label} ${id}: ${result.issues.map((issue) => `${issue.path} ${issue.message}`).join(', ')}`];
  });
}

async function postTraces(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'ingest');
  const { encoding, mapped } = mapOtlpExport(event, decodeOtlpProtobufTraces, mapOtlpTraces);
  const results = await acceptAll(principal, mapped.interactions, 'span');
  const invalid = invalidReasons(results, mapped.interactions, 'span');
  const rejected = mapped.rejected.length + invalid.length;
  metrics.addMetric(METRIC.spansAccepted, MetricUnit.Count, count(results, 'accepted'));
  metrics.addMetric(METRIC.spansIgnored, MetricUnit.Count, mapped.ignoredSpans);
  metrics.addMetric(METRIC.spansRejected, MetricUnit.Count, rejected);
  const reasons = [...mapped.rejected.map((entry) => `span ${entry.spanId}: ${entry.reason}`), ...invalid];
  const answer = otlpPartialSuccess(rejected, reasons.join('; '));
  return encoding === 'json' ? json(200, answer) : protobufAnswer(encodeOtlpProtobufResponse(answer));
}

async function postLogs(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'ingest');
  const { encoding, mapped } = mapOtlpExport(event, decodeOtlpProtobufLogs, mapOtlpLogs);
  const results = await acceptAll(principal, mapped.interactions, 'log record');
  const invalid = invalidReasons(results, mapped.interactions, 'events of');
  const rejected = mapped.rejected.length + invalid.length;
  metrics.addMetric(METRIC.logRecordsIgnored, MetricUnit.Count, mapped.ignoredLogRecords);
  metrics.addMetric(METRIC.logRecordsRejected, MetricUnit.Count, rejected);
  const reasons = [...mapped.rejected.map((entry) => entry.reason), ...invalid];
  const partial = otlpPartialSuccess(rejected, reasons.join('; ')).partialSuccess;
  const partialSuccess = partial
    ? { rejectedLogRecords: partial.rejectedSpans, errorMessage: partial.errorMessage }
    : undefined;
  if (encoding === 'json') return json(200, partialSuccess ? { partialSuccess } : {});
  return protobufAnswer(encodeOtlpProtobufLogsResponse(partialSuccess));
}

/** OTLP/HTTP answers in the request's content type; API Gateway turns base64 back into bytes. */
function protobufAnswer(bytes: Uint8Array): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': OTLP_PROTOBUF_CONTENT_TYPE },
    body: Buffer.from(bytes).toString('base64'),
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
