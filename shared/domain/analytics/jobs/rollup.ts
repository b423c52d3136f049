/**
 * The rollup job: a day's interactions summed into rollups (per model and tag, per provider,
 * project total; by day and by hour), written under deterministic keys, so any day can be
 * re-run and re-runs overwrite, never double. Then the budget step, and (daily) the anomaly job.
 *
 * A run is a map and a reduce, so a day of millions of records is summed in parallel:
 * 1. `plan` ({@link planRollup}): parse the event; pick the date (default today, or yesterday
 *    for `daily`) and its active projects; without an explicit date, add every project day
 *    marked changed up to today (late arrivals, reprices); list the slices of each project day
 *    (shard × block of hours) and store the list (the map's items).
 * 2. `slice` ({@link sumRollupSlice}), once per slice, in parallel: sum the slice's records into
 *    partial sums and store them under the run and slice (a retry overwrites its own partial).
 * 3. `reduce` ({@link reduceRollup}): for each project day, read every partial (a missing one
 *    fails the reduce rather than write a short rollup), merge them, replace the day's rollups,
 *    clear the day's changed mark (unless it was marked again since the plan); then evaluate the
 *    budgets of every month touched ({@link evaluateProjectBudget}), count `RollupsWritten`, and
 *    run the anomaly job when planned.
 *
 * In AWS a Step Functions distributed map runs the steps ({@link runRollupStep}); a direct
 * invoke and the local twin run them in process ({@link runRollupJob}), keeping the partials in
 * memory. Integer sums and histograms merge exactly, so the result equals
 * {@link recomputeDayRollups}, the one-pass recompute kept as the check.
 */
import { randomUUID } from 'node:crypto';
import { mapLimit } from '../../concurrency';
import { METRIC } from '../../metric-names';
import { ALL, DayRollup, type DayRollupPartial, type LeveledRollup } from '../day-rollup';
import { addDays, type Granularity, monthOf, periodOf } from '../period';
import { RollupAccumulator } from '../rollup';
import { type AnomalyJobDependencies, type AnomalyJobSummary, runAnomalyJob } from './anomaly';
import { type BudgetJobDependencies, evaluateProjectBudget } from './budget';
import { InvalidJobInputError, parseJobInput, rollupJobInputSchema, rollupSliceEventSchema } from './input';
import type {
  ActivityStore,
  Clock,
  DayRecordSource,
  JobLogger,
  JobMetrics,
  RollupRunStore,
  RollupSlice,
  RollupStore,
} from './ports';

/** The deployment's rollup settings (environment in AWS and the twin). */
export interface RollupSettings {
  /** Shards of a project's day in the `byDay` index. */
  shards: number;
  /** UTC hours one slice covers (a divisor of 24). */
  hoursPerSlice: number;
  /** Tag keys rolled up too when the event names none. */
  tagKeys: string[];
  /** Slices summed at once when a run goes in process. */
  mapConcurrency: number;
}

export interface RollupJobDependencies extends AnomalyJobDependencies, BudgetJobDependencies {
  records: DayRecordSource;
  activity: ActivityStore;
  rollups: RollupStore;
  /** Where the run's slice list and partials are kept between steps (the bucket in AWS). */
  runs: RollupRunStore;
  settings: RollupSettings;
  logger: JobLogger;
  metrics: JobMetrics;
  clock: Clock;
}

/** A container re-marks a changed day at most this often (the writers' memo). */
export const CHANGED_MARK_INTERVAL_MS = 60_000;
/**
 * The reduce clears a day's changed mark only when it was last written this long before the run
 * planned: a record processed during the run keeps the mark, and the next run counts it.
 */
export const CHANGED_CLEAR_MARGIN_MS = 2 * CHANGED_MARK_INTERVAL_MS;

/** Partials read at once by a reduce. */
const REDUCE_READ_CONCURRENCY = 32;
const HOURS = 24;

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
  /** Where the slice list is (the map's items). */
  slicesKey: string;
  slices: number;
}

export interface RollupJobSummary {
  date: string;
  granularities: Granularity[];
  projects: number;
  /** Project days rolled up: the date's, plus (scheduled runs) the days marked changed. */
  days: number;
  /** Slices summed (project days × shards × blocks of hours). */
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

/**
 * The slices of a project day: every shard × every block of `hoursPerSlice` hours, block by
 * block with the shards interleaved, so the slices a map runs at once read different partitions
 * (a partition serves 3,000 read units a second), not the hours of one shard.
 *
 * @example
 * slicesOf({ project: 'acme', date: '2026-11-21', shards: 2, hoursPerSlice: 12 });
 * // shard 0 hour 0, shard 1 hour 0, shard 0 hour 12, shard 1 hour 12
 */
export const slicesOf = (task: RollupPlan['tasks'][number]): RollupSlice[] =>
  Array.from({ length: (task.shards * HOURS) / task.hoursPerSlice }, (_, index) => ({
    project: task.project,
    date: task.date,
    shard: index % task.shards,
    hour: Math.floor(index / task.shards) * task.hoursPerSlice,
    hours: task.hoursPerSlice,
  }));

/**
 * Plans a rollup run and stores its slice list (step 1).
 *
 * @example
 * const plan = await planRollup({ schedule: 'hourly' }, deps); // { tasks: [{ project: 'acme', date: '2026-11-21', shards: 16, hoursPerSlice: 1 }], slices: 384, ... }
 */
export async function planRollup(event: unknown, deps: RollupJobDependencies): Promise<RollupPlan> {
  const input = parseJobInput(rollupJobInputSchema, event, 'rollup');
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const date = input.date ?? (input.schedule === 'daily' ? addDays(today, -1) : today);
  const { shards, hoursPerSlice } = deps.settings;
  const projects = input.projects ?? (await deps.activity.activeProjects(date));
  const tasks = new Map<string, RollupPlan['tasks'][number]>();
  for (const project of projects)
    tasks.set(`${date}\u0000${project}`, { project, date, shards, hoursPerSlice });
  if (input.date === undefined) {
    for (const changed of await deps.activity.changedDays(today)) {
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
  const slicesKey = await deps.runs.putSlices(runId, slices);
  return {
    runId,
    plannedAt: now.toISOString(),
    date,
    granularities: input.granularity ? [input.granularity] : ['day', 'hour'],
    tagKeys: input.groupByTags ?? deps.settings.tagKeys,
    anomalies: input.anomalies ?? input.schedule === 'daily',
    tasks: ordered,
    slicesKey,
    slices: slices.length,
  };
}

/**
 * Sums one slice into partial sums and stores them (step 2). Idempotent: a retry overwrites
 * the same partial.
 *
 * @example
 * await sumRollupSlice({ step: 'slice', runId, tagKeys: [], slice: { project: 'acme', date: '2026-11-21', shard: 3, hour: 14, hours: 1 } }, deps);
 */
export async function sumRollupSlice(
  event: unknown,
  deps: Pick<RollupJobDependencies, 'records' | 'runs'>,
): Promise<{ records: number; skipped: number }> {
  const { runId, tagKeys, slice } = parseJobInput(rollupSliceEventSchema, event, 'rollup slice');
  const sums = new DayRollup(slice.date, tagKeys);
  await deps.records.forEachSliceRecord(slice, (records) => {
    for (const record of records) sums.add(record);
  });
  await deps.runs.putPartial(runId, slice, sums.toPartial());
  return { records: sums.records, skipped: sums.skipped };
}

/**
 * Merges each planned project day's partials, replaces its rollups, clears its changed mark,
 * evaluates budgets, and runs the anomaly job when planned (step 3).
 *
 * @example
 * const summary = await reduceRollup(plan, deps);
 */
export async function reduceRollup(plan: RollupPlan, deps: RollupJobDependencies): Promise<RollupJobSummary> {
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
  const unchangedSince = new Date(Date.parse(plan.plannedAt) - CHANGED_CLEAR_MARGIN_MS).toISOString();
  const months = new Set<string>();
  for (const task of plan.tasks) {
    const day = new DayRollup(task.date, plan.tagKeys);
    const partials = await mapLimit(slicesOf(task), REDUCE_READ_CONCURRENCY, (slice) =>
      deps.runs.getPartial(plan.runId, slice),
    );
    for (const partial of partials) day.merge(partial);
    const { written, deleted } = await deps.rollups.replaceDayRollups(
      task.project,
      task.date,
      plan.granularities,
      day.rollups(plan.granularities),
      deps.clock.now().toISOString(),
    );
    await deps.activity.clearDayChanged(task.project, task.date, unchangedSince);
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
  deps.metrics.add({ name: METRIC.rollupsWritten, value: summary.rollups });
  deps.logger.info('rollup job done', { ...summary });
  if (plan.anomalies) summary.anomalies = await runAnomalyJob({ date: plan.date }, deps);
  return summary;
}

/**
 * A run's slice list and partials kept in memory: the store of a run whose steps all go in one
 * process, where writing partials out only to read them back would cost two round trips a slice.
 *
 * @example
 * await runRollupJob(event, { ...deps, runs: memoryRunStore() });
 */
export function memoryRunStore(): RollupRunStore {
  const partials = new Map<string, DayRollupPartial>();
  const keyOf = (runId: string, slice: RollupSlice) =>
    JSON.stringify([runId, slice.project, slice.date, slice.shard, slice.hour]);
  return {
    putSlices: async (runId) => `memory:${runId}`,
    putPartial: async (runId, slice, partial) => {
      partials.set(keyOf(runId, slice), partial);
    },
    getPartial: async (runId, slice) => {
      const partial = partials.get(keyOf(runId, slice));
      if (!partial) throw new Error(`rollup run ${runId}: slice ${keyOf(runId, slice)} has no partial`);
      return partial;
    },
  };
}

/**
 * Runs a whole rollup in process: plan, every slice with bounded parallelism
 * (`settings.mapConcurrency`), reduce; the partials stay in memory. The same steps the state
 * machine runs, for a direct invoke, `jobs run rollup` and the local twin.
 *
 * @example
 * await runRollupJob({ date: '2026-11-21' }, deps);
 * // { date: '2026-11-21', granularities: ['day', 'hour'], projects: 2, days: 2, slices: 768, records: 1830, ... }
 */
export async function runRollupJob(event: unknown, deps: RollupJobDependencies): Promise<RollupJobSummary> {
  const inProcess = { ...deps, runs: memoryRunStore() };
  const plan = await planRollup(event, inProcess);
  const slices = plan.tasks.flatMap(slicesOf);
  await mapLimit(slices, deps.settings.mapConcurrency, (slice) =>
    sumRollupSlice({ step: 'slice', runId: plan.runId, tagKeys: plan.tagKeys, slice }, inProcess),
  );
  return reduceRollup(plan, inProcess);
}

/**
 * One step of the state machine: `{step: 'plan', input}`, `{step: 'slice', ...}` or
 * `{step: 'reduce', plan}`.
 *
 * @example
 * const plan = await runRollupStep({ step: 'plan', input: { schedule: 'hourly' } }, deps);
 */
export async function runRollupStep(
  event: { step: string; input?: unknown; plan?: RollupPlan },
  deps: RollupJobDependencies,
): Promise<unknown> {
  if (event.step === 'plan') return planRollup(event.input ?? {}, deps);
  if (event.step === 'slice') return sumRollupSlice(event, deps);
  if (event.step === 'reduce' && event.plan) return reduceRollup(event.plan, deps);
  throw new InvalidJobInputError('rollup', [{ path: 'step', message: 'expected plan, slice or reduce' }]);
}

/**
 * The recompute path, kept as the check: a project day's rollups summed in one pass over all
 * its records, without slices, partials or merges. Writes nothing.
 *
 * @example
 * const expected = await recomputeDayRollups(source, 'acme', '2026-11-21', ['day', 'hour'], []);
 */
export async function recomputeDayRollups(
  source: DayRecordSource,
  project: string,
  date: string,
  granularities: Granularity[],
  tagKeys: string[],
): Promise<LeveledRollup[]> {
  const byModel = new RollupAccumulator({ granularities, groupByTags: tagKeys });
  const byProvider = new RollupAccumulator({ granularities });
  const total = new RollupAccumulator({ granularities });
  await source.forEachDayRecord(project, date, (page) => {
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
