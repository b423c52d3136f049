/**
 * The rollup and anomaly jobs: read a day's interactions through the sharded `byDay` index,
 * recompute that day's rollups from all of them (never increment), write them under
 * deterministic keys, evaluate month-to-date budgets, and judge each project × model's day
 * against its trailing 28 days. Every step is idempotent, so a job can be re-run for any day.
 *
 * The handlers in functions/rollup and functions/anomaly only parse their event and call these.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import {
  type Anomaly,
  addDays,
  anomalyOptionsSchema,
  budgetEventId,
  type DailyObservation,
  detectAnomalies,
  evaluateBudget,
  type Granularity,
  MONEY_ANOMALY_KINDS,
  monthOf,
  periodOf,
  RollupAccumulator,
  toDailyObservation,
} from '../analytics';
import { storedBudgetSchema } from '../analytics/budget-settings';
import { calendarDateSchema } from '../analytics/options';
import { nanosToUsd } from '../money';
import { InvalidJobInputError } from './analytics-errors';
import {
  ALL,
  activeProjects,
  forEachDayRecord,
  markAnomalyNotified,
  markBudgetEventNotified,
  monthSpendNanos,
  queryRollups,
  recordBudgetEvent,
  replaceDayRollups,
  type StoredRollup,
  upsertAnomaly,
} from './analytics-store';
import { notifier as defaultNotifier, type Notifier } from './notifications';
import { getProjectSettings } from './project-settings';

/** Environment of the analytics jobs. */
export const ANALYTICS_ENV = {
  /** Comma-separated tag keys to also roll up by (e.g. `team,feature`); none by default. */
  rollupTagKeys: 'TOKENTRAIL_ROLLUP_TAG_KEYS',
} as const;

export interface JobDependencies {
  logger: Logger;
  metrics: Metrics;
  notifier?: Notifier;
  /** The clock that picks the default date; jobs given a date never read it. */
  now?: () => Date;
}

const dateSchema = calendarDateSchema;
const projectsSchema = z.array(z.string().min(1).max(128)).max(1000);

/** Event of the rollup function (EventBridge Scheduler input, `jobs run rollup`, or a direct invoke). */
export const rollupJobInputSchema = z.strictObject({
  /** UTC day to roll up; default today (`hourly`) or yesterday (`daily`). */
  date: dateSchema.optional(),
  /** Only this granularity; default both day and hour. */
  granularity: z.enum(['day', 'hour']).optional(),
  /** Which schedule fired: picks the default date; `daily` also runs the anomaly job. */
  schedule: z.enum(['hourly', 'daily']).optional(),
  /** Run the anomaly job for the day afterwards; default only for the `daily` schedule. */
  anomalies: z.boolean().optional(),
  /** Only these projects; default every project with interactions that day. */
  projects: projectsSchema.optional(),
  /** Tag keys to also roll up by; default from `TOKENTRAIL_ROLLUP_TAG_KEYS`. */
  groupByTags: z.array(z.string().min(1).max(128)).max(10).optional(),
});

/** Event of the anomaly function. */
export const anomalyJobInputSchema = z.strictObject({
  /** UTC day to judge; default yesterday. */
  date: dateSchema.optional(),
  /** Only these projects; default every project active in the 28-day window or on the day. */
  projects: projectsSchema.optional(),
  /** Detection options (thresholds); every field has a default. */
  options: anomalyOptionsSchema.partial().optional(),
});

export type RollupJobInput = z.input<typeof rollupJobInputSchema>;
export type AnomalyJobInput = z.input<typeof anomalyJobInputSchema>;

export interface AnomalyJobSummary {
  date: string;
  projects: number;
  /** project × provider × model series judged. */
  series: number;
  /** Anomalies detected for the day (new and re-detected). */
  anomalies: number;
  /** Of those, first detected by this run. */
  new: number;
}

export interface RollupJobSummary {
  date: string;
  granularities: Granularity[];
  projects: number;
  records: number;
  rollups: number;
  /** Earlier rollup items of the day that no longer had records (removed). */
  deleted: number;
  /** Records found in the day's index whose timestamp falls on another day (skipped). */
  skipped: number;
  /** Budget thresholds newly crossed. */
  budgetEvents: number;
  anomalies?: AnomalyJobSummary;
}

function parseInput<Schema extends z.ZodType>(schema: Schema, event: unknown, job: string): z.output<Schema> {
  const result = schema.safeParse(event ?? {});
  if (result.success) return result.data;
  throw new InvalidJobInputError(
    job,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

const utcToday = (deps: JobDependencies) => (deps.now?.() ?? new Date()).toISOString().slice(0, 10);

function tagKeysFromEnvironment(): string[] {
  return (process.env[ANALYTICS_ENV.rollupTagKeys] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

/**
 * Rolls up one UTC day for every active project: all records of the day are read and summed
 * into day and hour rollups per project × provider × model (and per configured tag), plus
 * provider and project totals, which replace the day's earlier rollups. Then budgets are
 * evaluated for the day's month, and with `anomalies` (the daily schedule) the anomaly job runs.
 *
 * @example
 * await runRollupJob({ date: '2026-11-21' }, { logger, metrics });
 * // { date: '2026-11-21', granularities: ['day', 'hour'], projects: 2, records: 1830, rollups: 96, ... }
 */
export async function runRollupJob(event: unknown, deps: JobDependencies): Promise<RollupJobSummary> {
  const input = parseInput(rollupJobInputSchema, event, 'rollup');
  const today = utcToday(deps);
  const date = input.date ?? (input.schedule === 'daily' ? addDays(today, -1) : today);
  const granularities: Granularity[] = input.granularity ? [input.granularity] : ['day', 'hour'];
  const tagKeys = input.groupByTags ?? tagKeysFromEnvironment();
  const projects = input.projects ?? (await activeProjects(date));
  const summary: RollupJobSummary = {
    date,
    granularities,
    projects: projects.length,
    records: 0,
    rollups: 0,
    deleted: 0,
    skipped: 0,
    budgetEvents: 0,
  };
  for (const project of projects) {
    const result = await rollupProjectDay(project, date, granularities, tagKeys);
    summary.records += result.records;
    summary.rollups += result.written;
    summary.deleted += result.deleted;
    summary.skipped += result.skipped;
    summary.budgetEvents += await evaluateProjectBudget(project, monthOf(date), deps);
  }
  deps.metrics.addMetric('RollupsWritten', MetricUnit.Count, summary.rollups);
  deps.logger.info('rollup job done', { ...summary });
  if (input.anomalies ?? input.schedule === 'daily') {
    summary.anomalies = await runAnomalyJob({ date }, deps);
  }
  return summary;
}

async function rollupProjectDay(
  project: string,
  date: string,
  granularities: Granularity[],
  tagKeys: string[],
): Promise<{ records: number; written: number; deleted: number; skipped: number }> {
  const byModel = new RollupAccumulator({ granularities, groupByTags: tagKeys });
  const byProvider = new RollupAccumulator({ granularities });
  const total = new RollupAccumulator({ granularities });
  let records = 0;
  let skipped = 0;
  await forEachDayRecord(project, date, (page) => {
    for (const record of page) {
      // The index partition is the stored day; a record is summed into the day its timestamp names.
      if (periodOf(record.timestamp, 'day') !== date) {
        skipped += 1;
        continue;
      }
      records += 1;
      byModel.add(record);
      byProvider.add({ ...record, model: ALL, tags: undefined });
      total.add({ ...record, provider: ALL, model: ALL, tags: undefined });
    }
  });
  const rollups: StoredRollup[] = [
    ...byModel.rollups().map((rollup) => ({ level: 'model' as const, rollup })),
    ...byProvider.rollups().map((rollup) => ({ level: 'provider' as const, rollup })),
    ...total.rollups().map((rollup) => ({ level: 'project' as const, rollup })),
  ];
  const { written, deleted } = await replaceDayRollups(project, date, granularities, rollups);
  return { records, written, deleted, skipped };
}

/**
 * Raises the budget thresholds the project's month-to-date spend has reached, each once per
 * month (conditional write of its `budgetEventId`); returns how many were newly raised.
 */
async function evaluateProjectBudget(project: string, month: string, deps: JobDependencies): Promise<number> {
  const settings = await getProjectSettings(project);
  if (settings.budget === undefined || settings.budget === null) return 0;
  const budget = storedBudgetSchema.safeParse(settings.budget);
  if (!budget.success) {
    deps.logger.warn('invalid budget settings; budget not evaluated', { project });
    return 0;
  }
  const spent = await monthSpendNanos(project, month);
  // From zero: every threshold reached so far, and the conditional write keeps the ones already raised quiet.
  const crossings = evaluateBudget({
    monthlyBudgetNanos: budget.data.monthlyBudgetNanos,
    warningRatio: budget.data.warningRatio,
    spentNanosBefore: 0,
    spentNanosAfter: spent,
    month,
  });
  let raised = 0;
  for (const crossing of crossings) {
    const id = budgetEventId(project, month, crossing.threshold);
    const { created, notified } = await recordBudgetEvent(project, id, crossing);
    if (created) {
      raised += 1;
      const single = deps.metrics.singleMetric();
      single.addDimension('threshold', crossing.threshold);
      single.addMetric('BudgetThresholdsCrossed', MetricUnit.Count, 1);
    }
    if (notified) continue;
    const percent = (crossing.spentRatio * 100).toFixed(1);
    await (deps.notifier ?? defaultNotifier()).publish({
      id,
      detailType: 'Budget Threshold Crossed',
      project,
      subject: `tokentrail: ${project} budget ${crossing.threshold} for ${month}`,
      message: `${project} spent $${nanosToUsd(crossing.spentNanos)} in ${month}, ${percent}% of its $${nanosToUsd(crossing.monthlyBudgetNanos)} budget (${crossing.threshold} at $${nanosToUsd(crossing.thresholdNanos)})`,
      detail: {
        threshold: crossing.threshold,
        month,
        spentUsd: nanosToUsd(crossing.spentNanos),
        spentNanoUsd: crossing.spentNanos,
        thresholdUsd: nanosToUsd(crossing.thresholdNanos),
        monthlyBudgetUsd: nanosToUsd(crossing.monthlyBudgetNanos),
        spentRatio: crossing.spentRatio,
      },
    });
    await markBudgetEventNotified(project, id);
  }
  return raised;
}

/**
 * Judges one UTC day: for every project active in the trailing window, every provider × model
 * seen in its daily rollups is passed to `detectAnomalies` (a model that stopped being called
 * is judged too). Each anomaly is written under its deterministic id (re-runs update it, never
 * duplicate it, and never reopen a resolved one); new ones publish the `AnomaliesDetected`
 * metric (dimension `kind`), an EventBridge event and an SNS message.
 *
 * @example
 * await runAnomalyJob({ date: '2026-11-21' }, { logger, metrics });
 * // { date: '2026-11-21', projects: 2, series: 7, anomalies: 1, new: 1 }
 */
export async function runAnomalyJob(event: unknown, deps: JobDependencies): Promise<AnomalyJobSummary> {
  const input = parseInput(anomalyJobInputSchema, event, 'anomaly');
  const date = input.date ?? addDays(utcToday(deps), -1);
  const windowDays = input.options?.windowDays ?? anomalyOptionsSchema.parse({}).windowDays;
  const start = addDays(date, -windowDays);
  const projects = input.projects ?? (await projectsActiveBetween(start, date));
  const summary: AnomalyJobSummary = { date, projects: projects.length, series: 0, anomalies: 0, new: 0 };
  const now = new Date().toISOString();
  for (const project of projects) {
    const rollups = await queryRollups({
      project,
      granularity: 'day',
      from: start,
      to: date,
      level: 'model',
    });
    const series = new Map<string, { provider: string; model: string; history: DailyObservation[] }>();
    for (const rollup of rollups) {
      const key = JSON.stringify([rollup.provider, rollup.model]);
      let entry = series.get(key);
      if (!entry) {
        entry = { provider: rollup.provider, model: rollup.model, history: [] };
        series.set(key, entry);
      }
      entry.history.push(toDailyObservation(rollup));
    }
    summary.series += series.size;
    for (const { provider, model, history } of series.values()) {
      const found = detectAnomalies({ project, provider, model, date, history, options: input.options });
      for (const anomaly of found) {
        summary.anomalies += 1;
        if ((await recordAnomaly(anomaly, deps, now)).created) summary.new += 1;
      }
    }
  }
  deps.metrics.addMetric('AnomalySeriesJudged', MetricUnit.Count, summary.series);
  deps.logger.info('anomaly job done', { ...summary });
  return summary;
}

/**
 * Stores a detected anomaly under its deterministic id (a re-run updates it, never reopens a
 * resolved one) and, while it is open and not yet notified, publishes the `AnomaliesDetected`
 * metric (dimension `kind`), an EventBridge event and an SNS message, then marks it notified.
 * Shared by the anomaly and reconcile jobs.
 *
 * @example
 * const { created } = await recordAnomaly(anomaly, { logger, metrics });
 */
export async function recordAnomaly(
  anomaly: Anomaly,
  deps: JobDependencies,
  now = new Date().toISOString(),
): Promise<{ created: boolean }> {
  const { created, status, notified } = await upsertAnomaly(anomaly, now);
  if (notified || status !== 'open') return { created };
  const single = deps.metrics.singleMetric();
  single.addDimension('kind', anomaly.kind);
  single.addMetric('AnomaliesDetected', MetricUnit.Count, 1);
  await (deps.notifier ?? defaultNotifier()).publish({
    id: anomaly.id,
    detailType: 'Cost Anomaly Detected',
    project: anomaly.project,
    subject: `tokentrail: ${anomaly.kind} for ${anomaly.project} ${anomaly.model} on ${anomaly.period}`,
    message: anomaly.message,
    detail: {
      anomalyId: anomaly.id,
      kind: anomaly.kind,
      period: anomaly.period,
      provider: anomaly.provider,
      model: anomaly.model,
      value: anomaly.value,
      baseline: anomaly.baseline,
      factor: anomaly.factor,
      unit: MONEY_ANOMALY_KINDS.has(anomaly.kind) ? 'nanoUsd' : 'ratio',
    },
  });
  await markAnomalyNotified(anomaly.project, anomaly.id);
  return { created };
}

async function projectsActiveBetween(start: string, end: string): Promise<string[]> {
  const days: string[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  const found = new Set<string>();
  for (let index = 0; index < days.length; index += 8) {
    const batch = await Promise.all(days.slice(index, index + 8).map((day) => activeProjects(day)));
    for (const projects of batch) for (const project of projects) found.add(project);
  }
  return [...found].sort();
}
