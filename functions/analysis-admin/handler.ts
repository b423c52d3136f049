/**
 * Analysis admin API (admin-scoped keys only; any other key gets 403):
 * `GET|PUT /admin/analysis/settings`, `GET /admin/analysis/summary`,
 * `GET /admin/analysis/requests`, `POST /admin/analysis/requests/requeue`, `GET /admin/batches`.
 * Everything is scoped to the key's project.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import {
  analysisRequestStore,
  analysisSummary,
  listAnalysisBatches,
  listAnalysisRequests,
  surfaceAnalysis,
} from '../../shared/adapters/aws/analysis-store';
import { getProjectSettings, putProjectSettingsSection } from '../../shared/adapters/aws/project-settings';
import { createObservability } from '../../shared/adapters/observability';
import {
  ANALYSIS_STATUSES,
  parseAnalysisSettings,
  storedAnalysisSettings,
} from '../../shared/domain/batch-analysis';
import type { AnalysisBatchItem } from '../../shared/domain/batch-analysis/jobs/records';
import { requeueFailedRequests } from '../../shared/domain/batch-analysis/jobs/requeue-failed-requests';
import { toInputIssues } from '../../shared/domain/interaction/schema';
import { nanosToUsd } from '../../shared/domain/money';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError } from '../../shared/http/errors';
import { type HttpEvent, type HttpResult, json, parseJsonBody } from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';

const { logger } = createObservability('analysis-admin');

const requestsQuerySchema = z.strictObject({
  status: z.enum(ANALYSIS_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(4096).optional(),
});

const batchesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(4096).optional(),
});

const requeueSchema = z.strictObject({
  requestIds: z.array(z.string().min(1).max(128)).min(1).max(1000),
});

function query<T>(schema: z.ZodType<T>, event: HttpEvent): T {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new BadRequestError('invalid query parameters', toInputIssues(parsed.error));
  return parsed.data;
}

async function getSettings(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  const settings = storedAnalysisSettings((await getProjectSettings(project)).analysis);
  return json(200, { ok: true, settings });
}

async function putSettings(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  const settings = parseAnalysisSettings(parseJsonBody(event, 64 * 1024).value);
  await putProjectSettingsSection(project, 'analysis', settings);
  return json(200, { ok: true, settings });
}

async function summary(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  return json(200, { ok: true, summary: await analysisSummary(project) });
}

async function requests(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  const parsed = query(requestsQuerySchema, event);
  const page = await listAnalysisRequests(project, parsed);
  return json(200, {
    ok: true,
    requests: page.requests.map((request) => ({
      id: request.id,
      interactionId: request.interactionId,
      status: request.status,
      attempts: request.attempts,
      failedAt: request.failedAt ?? null,
      error: request.error ?? null,
    })),
    nextCursor: page.nextCursor ?? null,
  });
}

async function requeue(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  const parsed = requeueSchema.safeParse(parseJsonBody(event, 256 * 1024).value);
  if (!parsed.success) throw new BadRequestError('invalid requeue request', toInputIssues(parsed.error));
  const outcome = await requeueFailedRequests(
    { requests: analysisRequestStore, interactions: { showAnalysis: surfaceAnalysis } },
    project,
    parsed.data.requestIds,
  );
  logger.info('analysis requests requeued', { project, ...outcome });
  return json(200, { ok: true, ...outcome });
}

async function batches(event: HttpEvent): Promise<HttpResult> {
  const { project } = await authenticate(event, 'admin');
  const parsed = query(batchesQuerySchema, event);
  const page = await listAnalysisBatches(project, parsed);
  return json(200, { ok: true, batches: page.batches.map(toApiBatch), nextCursor: page.nextCursor ?? null });
}

/** The API view of a batch. */
export function toApiBatch(batch: AnalysisBatchItem): Record<string, unknown> {
  return {
    id: batch.id,
    openaiBatchId: batch.openaiBatchId ?? null,
    model: batch.model,
    status: batch.status,
    requestCounts: batch.requestCounts ?? {
      total: batch.requestCount ?? batch.plannedCount,
      completed: 0,
      failed: 0,
    },
    createdAt: batch.createdAt,
    completedAt: batch.completedAt ?? null,
    processedAt: batch.processedAt ?? null,
    costUsd: batch.costNanos === undefined ? null : nanosToUsd(batch.costNanos),
    costNanoUsd: batch.costNanos ?? null,
    error: batch.lastError ?? null,
  };
}

export const route = httpRouter(
  {
    'GET /admin/analysis/settings': getSettings,
    'PUT /admin/analysis/settings': putSettings,
    'GET /admin/analysis/summary': summary,
    'GET /admin/analysis/requests': requests,
    'POST /admin/analysis/requests/requeue': requeue,
    'GET /admin/batches': batches,
  },
  logger,
);

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
