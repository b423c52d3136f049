/**
 * Read API: `GET /health`, `GET /v1/interactions/{id}`, `GET /v1/interactions`.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { checkDependencies } from '../../shared/adapters/aws/health';
import { getInteraction, listInteractions } from '../../shared/adapters/aws/ledger-store';
import { createObservability } from '../../shared/adapters/observability';
import {
  identifierSchema,
  isoTimestamp,
  listLimitSchema,
  modelIdSchema,
  toInputIssues,
} from '../../shared/domain/interaction/schema';
import { toApiInteraction } from '../../shared/domain/ledger/record';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError, NotFoundError } from '../../shared/http/errors';
import { type HttpEvent, type HttpResult, json, pathParameter } from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';

const { logger } = createObservability('query');

/** Longest time range one list by time may cover (a session's list has no such bound). */
export const MAX_LIST_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const listQuerySchema = z
  .strictObject({
    sessionId: identifierSchema.optional(),
    from: isoTimestamp.optional(),
    to: isoTimestamp.optional(),
    model: modelIdSchema.optional(),
    status: z.enum(['success', 'error', 'in_progress', 'abandoned']).optional(),
    limit: listLimitSchema.default(50),
    cursor: z.string().max(2048).optional(),
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    }
  });

async function getOne(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const id = pathParameter(event, 'id', identifierSchema);
  const found = await getInteraction(principal.project, id);
  if (!found) throw new NotFoundError(`interaction "${id}"`);
  return json(200, toApiInteraction(found.record, found.payload));
}

async function list(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const parsed = listQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new BadRequestError('invalid query parameters', toInputIssues(parsed.error));
  const query = parsed.data;
  const now = Date.now();
  // Without a session or a range, the last 24 hours.
  const from = query.from
    ? new Date(query.from).toISOString()
    : query.sessionId
      ? undefined
      : new Date(now - 86_400_000).toISOString();
  const to = query.to ? new Date(query.to).toISOString() : undefined;
  if (
    !query.sessionId &&
    from &&
    Date.parse(to ?? new Date(now).toISOString()) - Date.parse(from) > MAX_LIST_RANGE_DAYS * DAY_MS
  ) {
    throw new BadRequestError('invalid query parameters', [
      { path: query.to ? 'to' : 'from', message: `a time range covers at most ${MAX_LIST_RANGE_DAYS} days` },
    ]);
  }
  const page = await listInteractions({ ...query, from, to, project: principal.project });
  return json(200, {
    interactions: page.items.map((record) => toApiInteraction(record)),
    nextCursor: page.nextCursor ?? null,
  });
}

/**
 * Liveness by default; `?check=dependencies` also reads each store once and answers 503 naming
 * the ones that are down.
 */
async function health(event: HttpEvent): Promise<HttpResult> {
  const check = event.queryStringParameters?.check;
  if (check === undefined) return json(200, { ok: true });
  if (check !== 'dependencies') {
    throw new BadRequestError('invalid query parameters', [
      { path: 'check', message: 'expected "dependencies"' },
    ]);
  }
  const report = await checkDependencies();
  return json(report.ok ? 200 : 503, report, report.ok ? {} : { 'retry-after': '5' });
}

export const route = httpRouter(
  {
    'GET /health': health,
    'GET /v1/interactions/{id}': getOne,
    'GET /v1/interactions': list,
  },
  logger,
);

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
