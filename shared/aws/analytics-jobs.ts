/**
 * The rollup and anomaly jobs: read a day's interactions through the sharded `byDay` index,
 * recompute that day's rollups from all of them (never increment), write them under
 * deterministic keys, evaluate month-to-date budgets, and judge each project × model's day
 * against its trailing 28 days. Every step is idempotent, so a job can be re-run for any day.
 *
 * A rollup run is a map and a reduce: `plan` lists the slices of every day to roll up (each
 * project × `byDay` shard × UTC hour), `slice` sums one slice into partial sums kept in the
 * bucket, `reduce` merges a day's partials and replaces its rollups. In AWS a Step Functions
 * distributed map runs the slices (infra/constructs/analytics.ts); a direct invoke and the local
 * twin run the very same steps in process with bounded parallelism ({@link runRollupJob}).
 * Integer sums and histograms merge exactly, so the result equals {@link recomputeDayRollups},
 * the one-pass recompute kept as the check. Scheduled runs also recompute every day marked
 * changed since (late arrivals, reprices), so late records are counted.
 *
 * The handlers in functions/rollup and functions/anomaly only parse their event and call these.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import {
  ALL,
  type Anomaly,
  addDays,
  anomalyOptionsSchema,
  budgetEventId,
  type DailyObservation,
  DayRollup,
  detectAnomalies,
  evaluateBudget,
  type Granularity,
  type LeveledRollup,
  MONEY_ANOMALY_KINDS,
  monthOf,
  periodOf,
  RollupAccumulator,
  toDailyObservation,
} from '../analytics';
import { storedBudgetSchema } from '../analytics/budget-settings';
import { calendarDateSchema } from '../analytics/options';
import { mapLimit } from '../concurrency';
import { ANALYTICS_ENV } from '../env-names';
import { dayIndexShards } from '../ledger/shards';
import { METRIC } from '../metric-names';
import { nanosToUsd } from '../money';
import { InvalidJobInputError } from './analytics-errors';
import {
  activeProjects,
  changedDays,
  clearDayChanged,
  forEachDayRecord,
  forEachSliceRecord,
  markAnomalyNotified,
  markBudgetEventNotified,
  monthSpendNanos,
  queryRollups,
  recordBudgetEvent,
  replaceDayRollups,
  upsertAnomaly,
} from './analytics-store';
import { notifier as defaultNotifier, type Notifier } from './notifications';
import { getProjectSettings } from './project-settings';
import { getPartial, putPartial, putSlices, type RollupSlice } from './rollup-run-store';

/** Environment of the analytics jobs. */
export { ANALYTICS_ENV };

/** Partials read at once by a reduce. */
const REDUCE_READ_CONCURRENCY = 32;
const HOURS = 24;

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
  /** Project days rolled up: the date's, plus (scheduled runs) the days marked changed. */
  days: number;
  /** Slices summed (project days × shards × 24 hours). */
  slices: number;
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

/** The plan of one rollup run: what the map sums and the reduce writes. */
export interface RollupPlan {
  runId: string;
  plannedAt: string;
  /** The run's date (the anomaly job judges it). */
  date: string;
  granularities: Granularity[];
  tagKeys: string[];
  anomalies: boolean;
  /** Project days to reduce, with the shard count their slices were planned with. */
  tasks: { project: string; date: string; shards: number; hoursPerSlice: number }[];
  /** Bucket key of the slice list (the map's items). */
  slicesKey: string;
  slices: number;
}

/** Event of one map iteration (the state machine's item selector builds it). */
export interface RollupSliceEvent {
  step: 'slice';
  runId: string;
  tagKeys: string[];
  slice: RollupSlice;
}

const sliceEventSchema = z.strictObject({
  step: z.literal('slice'),
  runId: z.string().min(1).max(200),
  tagKeys: z.array(z.string().min(1).max(128)).max(10),
  slice: z.strictObject({
    project: z.string().min(1).max(128),
    date: dateSchema,
    shard: z.number().int().min(0).max(255),
    hour: z.number().int().min(0).max(23),
    hours: z.number().int().min(1).max(24),
  }),
});

const HOURS_PER_SLICE = [1, 2, 3, 4, 6, 8, 12, 24];

function hoursPerSliceFromEnvironment(): number {
  const value = Number(process.env[ANALYTICS_ENV.hoursPerSlice] ?? 1);
  return HOURS_PER_SLICE.includes(value) ? value : 1;
}

/**
 * The slices of a project day: every shard × every block of `hoursPerSlice` hours, block by
 * block with the shards interleaved, so the slices a map runs at once read different partitions
 * (a partition serves 3,000 read units a second), not the hours of one shard.
 */
const slicesOf = (task: RollupPlan['tasks'][number]): RollupSlice[] =>
  Array.from({ length: (task.shards * HOURS) / task.hoursPerSlice }, (_, index) => ({
    project: task.project,
    date: task.date,
    shard: index % task.shards,
    hour: Math.floor(index / task.shards) * task.hoursPerSlice,
    hours: task.hoursPerSlice,
  }));

/**
 * Plans a rollup run: the date (default today, or yesterday for `daily`), its active projects,
 * and, when no date was given, every project day marked changed up to today; writes the slice
 * list to the bucket.
 *
 * @example
 * const plan = await planRollup({ schedule: 'hourly' }, deps); // { tasks: [{ project: 'acme', date: '2026-11-21', shards: 16 }], slices: 384, ... }
 */
export async function planRollup(event: unknown, deps: JobDependencies): Promise<RollupPlan> {
  const input = parseInput(rollupJobInputSchema, event, 'rollup');
  const now = deps.now?.() ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const date = input.date ?? (input.schedule === 'daily' ? addDays(today, -1) : today);
  const shards = dayIndexShards();
  const hoursPerSlice = hoursPerSliceFromEnvironment();
  const projects = input.projects ?? (await activeProjects(date));
  const tasks = new Map<string, RollupPlan['tasks'][number]>();
  for (const project of projects)
    tasks.set(`${date}\u0000${project}`, { project, date, shards, hoursPerSlice });
  if (input.date === undefined) {
    for (const changed of await changedDays(today)) {
      if (input.projects && !input.projects.includes(changed.project)) continue;
      tasks.set(`${changed.day}\u0000${changed.project}`, {
        project: changed.project,
        date: changed.day,
        shards,
        hoursPerSlice,
      });
    }
  }
  const runId = `${now.toISOString().replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  const ordered = [...tasks.values()].sort((a, b) =>
    a.date === b.date ? (a.project < b.project ? -1 : 1) : a.date < b.date ? -1 : 1,
  );
  const slices = ordered.flatMap(slicesOf);
  const slicesKey = await putSlices(runId, slices);
  return {
    runId,
    plannedAt: now.toISOString(),
    date,
    granularities: input.granularity ? [input.granularity] : ['day', 'hour'],
    tagKeys: input.groupByTags ?? tagKeysFromEnvironment(),
    anomalies: input.anomalies ?? input.schedule === 'daily',
    tasks: ordered,
    slicesKey,
    slices: slices.length,
  };
}

/**
 * Sums one slice (a project day's `byDay` shard × UTC hour) into partial sums in the bucket.
 * Idempotent: a retry overwrites the same partial.
 *
 * @example
 * await sumRollupSlice({ step: 'slice', runId, tagKeys: [], slice: { project: 'acme', date: '2026-11-21', shard: 3, hour: 14, hours: 1 } });
 */
export async function sumRollupSlice(event: unknown): Promise<{ records: number; skipped: number }> {
  const { runId, tagKeys, slice } = parseInput(sliceEventSchema, event, 'rollup slice');
  const sums = new DayRollup(slice.date, tagKeys);
  await forEachSliceRecord(slice.project, slice.date, slice.shard, slice.hour, slice.hours, (records) => {
    for (const record of records) sums.add(record);
  });
  await putPartial(runId, slice, sums.toPartial());
  return { records: sums.records, skipped: sums.skipped };
}

/**
 * Merges each planned project day's partials (every one must exist: a missing slice fails the
 * reduce rather than write a short rollup), replaces the day's rollups, clears its changed mark,
 * evaluates budgets, and runs the anomaly job when planned.
 *
 * @example
 * const summary = await reduceRollup(plan, deps);
 */
export async function reduceRollup(plan: RollupPlan, deps: JobDependencies): Promise<RollupJobSummary> {
  const summary: RollupJobSummary = {
    date: plan.date,
    granularities: plan.granularities,
    projects: new Set(plan.tasks.map((task) => task.project)).size,
    days: plan.tasks.length,
    slices: plan.slices,
    records: 0,
    rollups: 0,
    deleted: 0,
    skipped: 0,
    budgetEvents: 0,
  };
  const months = new Set<string>();
  for (const task of plan.tasks) {
    const day = new DayRollup(task.date, plan.tagKeys);
    const partials = await mapLimit(slicesOf(task), REDUCE_READ_CONCURRENCY, (slice) =>
      getPartial(plan.runId, slice),
    );
    for (const partial of partials) day.merge(partial);
    const { written, deleted } = await replaceDayRollups(
      task.project,
      task.date,
      plan.granularities,
      day.rollups(plan.granularities),
    );
    await clearDayChanged(task.project, task.date, plan.plannedAt);
    summary.records += day.records;
    summary.skipped += day.skipped;
    summary.rollups += written;
    summary.deleted += deleted;
    months.add(`${task.project}\u0000${monthOf(task.date)}`);
  }
  for (const entry of months) {
    const [project, month] = entry.split('\u0000') as [string, string];
    summary.budgetEvents += await evaluateProjectBudget(project, month, deps);
  }
  deps.metrics.addMetric(METRIC.rollupsWritten, MetricUnit.Count, summary.rollups);
  deps.logger.info('rollup job done', { ...summary });
  if (plan.anomalies) summary.anomalies = await runAnomalyJob({ date: plan.date }, deps);
  return summary;
}

/**
 * Runs a whole rollup in process: plan, every slice with bounded parallelism
 * (`TOKENTRAIL_ROLLUP_MAP_CONCURRENCY`, default 8), reduce. The same steps the state machine
 * runs, for a direct invoke, `jobs run rollup` and the local twin.
 *
 * @example
 * await runRollupJob({ date: '2026-11-21' }, { logger, metrics });
 * // { date: '2026-11-21', granularities: ['day', 'hour'], projects: 2, days: 2, slices: 768, records: 1830, ... }
 */
export async function runRollupJob(event: unknown, deps: JobDependencies): Promise<RollupJobSummary> {
  const plan = await planRollup(event, deps);
  const concurrency = Number(process.env[ANALYTICS_ENV.mapConcurrency] ?? 8) || 8;
  const slices = plan.tasks.flatMap(slicesOf);
  await mapLimit(slices, concurrency, (slice) =>
    sumRollupSlice({ step: 'slice', runId: plan.runId, tagKeys: plan.tagKeys, slice }),
  );
  return reduceRollup(plan, deps);
}

/**
 * One step of the state machine: `{step: 'plan', input}`, `{step: 'slice', ...}` or
 * `{step: 'reduce', plan}`.
 */
export async function runRollupStep(
  event: { step: string; input?: unknown; plan?: RollupPlan },
  deps: JobDependencies,
): Promise<unknown> {
  if (event.step === 'plan') return planRollup(event.input ?? {}, deps);
  if (event.step === 'slice') return sumRollupSlice(event);
  if (event.step === 'reduce' && event.plan) return reduceRollup(event.plan, deps);
  throw new InvalidJobInputError('rollup', [{ path: 'step', message: 'expected plan, slice or reduce' }]);
}

/**
 * The recompute path, kept as the check: a project day's rollups summed in one pass over all
 * its records, without slices, partials or merges. Writes nothing.
 *
 * @example
 * const expected = await recomputeDayRollups('acme', '2026-11-21', ['day', 'hour'], []);
 */
export async function recomputeDayRollups(
  project: string,
  date: string,
  granularities: Granularity[],
  tagKeys: string[],
): Promise<LeveledRollup[]> {
  const byModel = new RollupAccumulator({ granularities, groupByTags: tagKeys });
  const byProvider = new RollupAccumulator({ granularities });
  const total = new RollupAccumulator({ granularities });
  await forEachDayRecord(project, date, (page) => {
    for (const record of page) {
      if (periodOf(record.timestamp, 'day') !== date) continue;
      byModel.add(record);
      byProvider.add({ ...record, model: ALL, tags: undefined });
      total.add({ ...record, provider: ALL, model: ALL, tags: undefined });
    }
  });
  return [
    ...byModel.rollups().map((rollup) => ({ level: 'model' as const, rollup })),
    ...byProvider.rollups().map((rollup) => ({ level: 'provider' as const, rollup })),
    ...total.rollups().map((rollup) => ({ level: 'project' as const, rollup })),
  ];
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
      single.addMetric(METRIC.budgetThresholdsCrossed, MetricUnit.Count, 1);
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
  deps.metrics.addMetric(METRIC.anomalySeriesJudged, MetricUnit.Count, summary.series);
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
  single.addMetric(METRIC.anomaliesDetected, MetricUnit.Count, 1);
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
