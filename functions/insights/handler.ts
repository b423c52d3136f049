/**
 * Analytics API: `GET /v1/rollups`, `GET /v1/anomalies`, `GET|PATCH /v1/anomalies/{id}`,
 * `GET /v1/reconciliation` (read scope) and `GET|PUT /admin/budget` (admin scope), all for the
 * key's own project.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import {
  dynamoRollups,
  getAnomaly,
  listAnomalies,
  listBudgetEvents,
  queryRollups,
  type RollupLevel,
  setAnomalyStatus,
} from '../../shared/adapters/aws/analytics-store';
import { getProjectSettings, putProjectSettingsSection } from '../../shared/adapters/aws/project-settings';
import { queryReconciliation } from '../../shared/adapters/aws/reconciliation-store';
import { createObservability } from '../../shared/adapters/observability';
import {
  ANOMALY_KINDS,
  type AnomalyKind,
  addDays,
  assertDate,
  assertMonth,
  toApiRollup,
} from '../../shared/domain/analytics';
import {
  budgetRequestSchema,
  storedBudgetSchema,
  toApiBudget,
  toStoredBudget,
} from '../../shared/domain/analytics/budget-settings';
import { monthSpendNanos, toApiAnomaly, toApiBudgetEvent } from '../../shared/domain/analytics/jobs';
import { toInputIssues } from '../../shared/domain/interaction/schema';
import { nanosToUsd } from '../../shared/domain/money';
import { modelKey, toApiReconciliation } from '../../shared/domain/reconcile';
import { afterCursor, decodeCursor, encodeCursor } from '../../shared/domain/table/cursor';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError, NotFoundError } from '../../shared/http/errors';
import {
  type HttpEvent,
  type HttpResult,
  json,
  parseJsonBody,
  pathParameter,
} from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';

const { logger } = createObservability('insights');

const isValid = (check: (value: string) => unknown) => (value: string) => {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
};
const dateParam = z.string().refine(isValid(assertDate), 'expected a calendar date YYYY-MM-DD');
const monthParam = z.string().refine(isValid(assertMonth), 'expected a month YYYY-MM');

/** Most days one rollup request may span, per granularity. */
const MAX_RANGE_DAYS = { day: 366, hour: 31 } as const;

const rollupQuerySchema = z
  .strictObject({
    from: dateParam.optional(),
    to: dateParam.optional(),
    granularity: z.enum(['day', 'hour']).default('day'),
    groupBy: z
      .union([
        z.enum(['model', 'provider', 'project']),
        z.string().regex(/^tag:.{1,128}$/, 'expected tag:<key>'),
      ])
      .default('model'),
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to) {
      context.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    }
  });

const anomalyStatuses = ['open', 'resolved'] as const;

const anomalyListSchema = z.strictObject({
  status: z.enum(anomalyStatuses).optional(),
  kind: z.enum(ANOMALY_KINDS as [AnomalyKind, ...AnomalyKind[]]).optional(),
  from: dateParam.optional(),
  to: dateParam.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});

const anomalyPatchSchema = z.strictObject({
  status: z.enum(anomalyStatuses),
  note: z.string().max(2000).optional(),
});

const budgetQuerySchema = z.strictObject({ month: monthParam.optional() });

const reconciliationQuerySchema = z
  .strictObject({
    from: dateParam,
    to: dateParam,
    provider: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
  })
  .superRefine((query, context) => {
    if (query.from > query.to) {
      context.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    } else if (daysBetween(query.from, query.to) >= MAX_RANGE_DAYS.day) {
      context.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_RANGE_DAYS.day} days` });
    }
  });

function parseQuery<Schema extends z.ZodType>(schema: Schema, event: HttpEvent): z.output<Schema> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new BadRequestError('invalid query parameters', toInputIssues(parsed.error));
  return parsed.data;
}

function parseBody<Schema extends z.ZodType>(schema: Schema, event: HttpEvent): z.output<Schema> {
  const parsed = schema.safeParse(parseJsonBody(event).value);
  if (!parsed.success) throw new BadRequestError('invalid request body', toInputIssues(parsed.error));
  return parsed.data;
}

const utcToday = () => new Date().toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

async function rollups(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const query = parseQuery(rollupQuerySchema, event);
  const to = query.to ?? (query.from && query.from > utcToday() ? query.from : utcToday());
  const from = query.from ?? addDays(to, -6);
  if (daysBetween(from, to) >= MAX_RANGE_DAYS[query.granularity]) {
    throw new BadRequestError('date range too long', [
      {
        path: 'from',
        message: `at most ${MAX_RANGE_DAYS[query.granularity]} days for granularity ${query.granularity}`,
      },
    ]);
  }
  const tagKey = query.groupBy.startsWith('tag:') ? query.groupBy.slice(4) : undefined;
  const level: RollupLevel = tagKey ? 'model' : (query.groupBy as RollupLevel);
  const found = await queryRollups({
    project: principal.project,
    granularity: query.granularity,
    from,
    to,
    level,
    tagKey,
  });
  return json(200, {
    from,
    to,
    granularity: query.granularity,
    groupBy: query.groupBy,
    rollups: found.map(toApiRollup),
  });
}

/** Anomaly ids start with their day (`2026-11-21-high_cost-…`). */
const ANOMALIES_CURSOR = afterCursor(/^\d{4}-\d{2}-\d{2}-/);

async function anomalies(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const query = parseQuery(anomalyListSchema, event);
  const page = await listAnomalies({
    project: principal.project,
    status: query.status,
    kind: query.kind,
    from: query.from,
    to: query.to,
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor, 'anomalies', ANOMALIES_CURSOR).after : undefined,
  });
  return json(200, {
    anomalies: page.items.map(toApiAnomaly),
    nextCursor: page.nextAfter ? encodeCursor({ after: page.nextAfter }) : null,
  });
}

const anomalyIdOf = (event: HttpEvent) => pathParameter(event, 'id', z.string().min(1).max(256));

async function anomaly(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const id = anomalyIdOf(event);
  const found = await getAnomaly(principal.project, id);
  if (!found) throw new NotFoundError(`anomaly "${id.slice(0, 128)}"`);
  return json(200, toApiAnomaly(found));
}

async function patchAnomaly(event: HttpEvent): Promise<HttpResult> {
  // Changing an anomaly's state is an operator's decision: a read-only key may look, not resolve.
  const principal = await authenticate(event, 'admin');
  const id = anomalyIdOf(event);
  const body = parseBody(anomalyPatchSchema, event);
  const updated = await setAnomalyStatus(principal.project, id, body.status, body.note);
  if (!updated) throw new NotFoundError(`anomaly "${id.slice(0, 128)}"`);
  logger.info('anomaly status set', { anomalyId: id, status: body.status });
  return json(200, toApiAnomaly(updated));
}

async function reconciliation(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'read');
  const query = parseQuery(reconciliationQuerySchema, event);
  const found = await queryReconciliation({
    project: principal.project,
    from: query.from,
    to: query.to,
    ...(query.provider ? { provider: query.provider } : {}),
    // Items are named by model key: `gpt-4o-2024-08-06` finds the `gpt-4o` row.
    ...(query.model ? { model: modelKey(query.model) } : {}),
  });
  return json(200, { from: query.from, to: query.to, reconciliation: found.map(toApiReconciliation) });
}

async function getBudget(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'admin');
  const query = parseQuery(budgetQuerySchema, event);
  const month = query.month ?? utcToday().slice(0, 7);
  const settings = await getProjectSettings(principal.project);
  const stored = storedBudgetSchema.safeParse(settings.budget);
  const [spent, events] = await Promise.all([
    monthSpendNanos(dynamoRollups, principal.project, month),
    listBudgetEvents(principal.project, month),
  ]);
  return json(200, {
    project: principal.project,
    budget: stored.success ? toApiBudget(stored.data) : null,
    month,
    spentUsd: nanosToUsd(spent),
    spentNanoUsd: spent,
    events: events.map(toApiBudgetEvent),
  });
}

async function putBudget(event: HttpEvent): Promise<HttpResult> {
  const principal = await authenticate(event, 'admin');
  const budget = toStoredBudget(parseBody(budgetRequestSchema, event));
  await putProjectSettingsSection(principal.project, 'budget', budget);
  logger.info('budget saved', { project: principal.project });
  return json(200, { project: principal.project, budget: toApiBudget(budget) });
}

export const route = httpRouter(
  {
    'GET /v1/rollups': rollups,
    'GET /v1/anomalies': anomalies,
    'GET /v1/anomalies/{id}': anomaly,
    'PATCH /v1/anomalies/{id}': patchAnomaly,
    'GET /v1/reconciliation': reconciliation,
    'GET /admin/budget': getBudget,
    'PUT /admin/budget': putBudget,
  },
  logger,
);

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
