/**
 * Reprice job: recomputes stored costs with the current rules (shared/domain/pricing/reprice-job.ts).
 * Scheduled hourly for unpriced interactions (so a model added to the catalog or a project
 * override prices them): every shard of every project from persisted cursors, stopping short of
 * the function's timeout; the next run continues where this one stopped.
 *
 * On demand for a day (`tokentrail jobs run reprice --date D [--model M] [--project P]`): the
 * event `{date, ...}` runs the whole day in process (plan, slices with bounded parallelism,
 * finish); the state machine (infra/constructs/reprice.ts) sends `{step: 'plan' | 'slice' |
 * 'finish', ...}` and runs the slices as a distributed map.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { dynamoRepriceDependencies } from '../../shared/adapters/aws/reprice-store';
import { createObservability } from '../../shared/adapters/observability';
import { METRIC } from '../../shared/domain/metric-names';
import { nanosToUsd } from '../../shared/domain/money';
import type { RepriceSummary } from '../../shared/domain/pricing';
import {
  type DayRepricePlan,
  finishDayReprice,
  planDayReprice,
  repriceDaySlice,
  repriceUnpriced,
  runDayReprice,
  SLICE_STOP_MARGIN_MS,
} from '../../shared/domain/pricing/reprice-job';

const { logger, metrics } = createObservability('reprice');
const deps = dynamoRepriceDependencies(logger);

/** Slices repriced at once when a day runs in process (direct invoke, local twin). */
const IN_PROCESS_CONCURRENCY = 8;

/** Time left for the last page and the cursor writes when a walk stops. */
const STOP_MARGIN_MS = 60_000;

/** UTC hours a slice covers when a day runs in process (the state machine's are 1 hour). */
const IN_PROCESS_HOURS_PER_SLICE = 24;

export const repriceInputSchema = z.object({
  date: z.iso.date().optional(),
  project: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  /** Only interactions no rule could price yet (the scheduled run). */
  unpricedOnly: z.boolean().optional(),
  /** A day run to continue (its finished slices answer their totals, the others resume). */
  runId: z.string().min(1).max(200).optional(),
  /** UTC hours per slice of a day run (a divisor of 24). */
  hoursPerSlice: z.number().int().min(1).max(24).optional(),
});

export type RepriceInput = z.output<typeof repriceInputSchema>;

const sliceSchema = z.strictObject({
  shard: z.number().int().min(0).max(255),
  hour: z.number().int().min(0).max(23),
  hours: z.number().int().min(1).max(24),
});

const filterSchema = z.strictObject({ model: z.string().min(1).optional() });

const sliceEventSchema = z.strictObject({
  step: z.literal('slice'),
  runId: z.string().min(1).max(200),
  date: z.iso.date(),
  filter: filterSchema,
  projects: z.array(z.string().min(1)),
  slice: sliceSchema,
});

const planSchema = z.object({
  runId: z.string().min(1).max(200),
  date: z.iso.date(),
  filter: filterSchema,
  projects: z.array(z.string().min(1)),
  slices: z.array(sliceSchema),
});

type Report = RepriceSummary & { deltaUsd: number; projects: number };

function report(summary: RepriceSummary & { projects: number }, date?: string): Report {
  metrics.addMetric(METRIC.interactionsRepriced, MetricUnit.Count, summary.changedCount);
  metrics.addMetric(METRIC.interactionsNewlyPriced, MetricUnit.Count, summary.newlyPricedCount);
  logger.info('reprice finished', { ...summary, date });
  return { ...summary, deltaUsd: nanosToUsd(summary.deltaNanos), projects: summary.projects };
}

/**
 * Reprices one day (or the unpriced backlog) for one or every project.
 *
 * @example
 * await reprice({ date: '2026-11-20', model: 'gpt-4o' });
 */
export async function reprice(
  input: RepriceInput,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<Report> {
  if (input.unpricedOnly || !input.date) {
    const summary = await repriceUnpriced(input, deps, () => remainingMs() < STOP_MARGIN_MS);
    return report(summary);
  }
  const summary = await runDayReprice(
    { ...input, date: input.date, hoursPerSlice: input.hoursPerSlice ?? IN_PROCESS_HOURS_PER_SLICE },
    deps,
    IN_PROCESS_CONCURRENCY,
  );
  return report(summary, input.date);
}

/**
 * One step of the day reprice state machine: `{step: 'plan', input}` answers the plan (its
 * `slices` are the map's items), `{step: 'slice', ...}` reprices one slice until done or the
 * time runs short (`done: false`: the state machine calls it again), `{step: 'finish', plan}`
 * sums the slices' totals.
 */
export async function repriceStep(
  event: { step: string; input?: unknown; plan?: unknown; [field: string]: unknown },
  remainingMs: () => number,
): Promise<unknown> {
  if (event.step === 'plan') {
    const input = repriceInputSchema.parse(event.input ?? {});
    if (!input.date) throw new Error('reprice plan: a date is required');
    return planDayReprice({ ...input, date: input.date }, deps);
  }
  if (event.step === 'slice') {
    const { step: _step, ...slice } = sliceEventSchema.parse(event);
    const progress = await repriceDaySlice(slice, deps, () => remainingMs() < SLICE_STOP_MARGIN_MS);
    return { done: progress.done, count: progress.summary.count };
  }
  if (event.step === 'finish') {
    const plan = planSchema.parse(event.plan) as DayRepricePlan;
    return report(await finishDayReprice(plan, deps), plan.date);
  }
  throw new Error(`reprice: unknown step ${event.step}; expected plan, slice or finish`);
}

const isStep = (event: unknown): event is { step: string } =>
  typeof event === 'object' && event !== null && typeof (event as { step?: unknown }).step === 'string';

export const handler = middy(async (event: unknown, context: Context) => {
  const remainingMs = () => context.getRemainingTimeInMillis();
  if (isStep(event)) return repriceStep(event, remainingMs);
  return reprice(repriceInputSchema.parse(event ?? {}), remainingMs);
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
