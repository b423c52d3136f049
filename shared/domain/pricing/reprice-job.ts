/**
 * The reprice job: recomputes stored costs with the current rules. Two walks, both idempotent
 * (a record is rewritten only when its cost changes, and only if it was not completed again
 * meanwhile) and both resumable from persisted cursors:
 *
 * - **Unpriced** (hourly): every shard of every project's `byUnpriced` queue, each from its own
 *   cursor, a page at a time. A record of a model that stays unknown is passed over rather than
 *   re-read first every run, so it never blocks the ones behind it; at the end of a partition
 *   the cursor is cleared and the next run starts again from the oldest.
 * - **A day** (on demand, `reprice --date`): a map over slices of the day, one `byDay` shard ×
 *   a block of UTC hours each, for every project of the run. In AWS a Step Functions
 *   distributed map runs the slices (infra/constructs/reprice.ts); a direct invoke and the
 *   local twin run the same steps in process with bounded parallelism ({@link runDayReprice}).
 *
 * Steps of a day reprice:
 * 1. {@link planDayReprice}: the projects (given, or every project with a key) and the slices.
 * 2. {@link repriceDaySlice}, per slice: load the slice's progress (project index, last index
 *    position, totals so far); per page of the slice's index range: read the interactions,
 *    price each again ({@link repriceInteractions}), write the changed costs (bounded
 *    parallelism, conditional on `completedAt`), mark their days changed, save the progress.
 *    It stops when the time runs short (`shouldStop`) and answers `done: false`; the next call
 *    continues from the saved progress, and a finished slice answers its stored totals.
 * 3. {@link finishDayReprice}: sums every slice's totals; a slice not done fails the run.
 *
 * A crash between a page's writes and its progress save re-reads that page on resume: the
 * costs end right, but its records already rewritten count as unchanged in the totals.
 *
 * Domain code: the store, the projects' pricing, the clock and the logger are ports
 * ({@link RepriceDependencies}); shared/adapters/aws/reprice-store.ts implements them on DynamoDB.
 */
import { randomUUID } from 'node:crypto';
import { mapLimit } from '../concurrency';
import type { PricedAs } from '../ledger/record';
import type { NormalizedUsage } from '../normalize';
import { dayIndexShards } from '../table/shards';
import type { ModelMap } from './model-map';
import { priceUsage } from './price';
import { type RepriceResult, type RepriceSummary, repriceCost, summarizeReprice } from './reprice';
import { type CostBreakdown, isCatalogMiss, type PricingRule } from './types';

/** A stored interaction, as much of it as repricing reads. */
export interface RepriceCandidate {
  /** The interaction's partition key (what the indexes point at). */
  pk: string;
  project: string;
  id: string;
  provider: string;
  model: string;
  timestamp: string;
  usage?: NormalizedUsage;
  cost: CostBreakdown;
  batch?: boolean;
  pricedAs?: PricedAs;
  /** Absent while the interaction is in progress (it is priced when it completes). */
  completedAt?: string;
}

/** One entry of an index page: the interaction's partition key and its position in the index. */
export interface IndexEntry {
  pk: string;
  position: string;
}

export interface IndexPage {
  entries: IndexEntry[];
  /** More entries follow the last one. */
  more: boolean;
}

/** One slice of a day: a `byDay` shard × `hours` UTC hours from `hour`. */
export interface DaySlice {
  shard: number;
  hour: number;
  hours: number;
}

/** Where a slice of a day reprice run stands (persisted after every page). */
export interface SliceProgress {
  /** Index into the run's projects of the one being walked. */
  projectIndex: number;
  /** Index position of the last record handled in that project's slice. */
  after?: string;
  done: boolean;
  summary: RepriceSummary;
}

/** Reads and writes stored costs. */
export interface CostStore {
  /** The interactions with these partition keys (missing ones left out). */
  readInteractions(pks: string[]): Promise<RepriceCandidate[]>;
  /**
   * Writes `cost` unless the interaction completed again since it was read (its `completedAt`
   * changed); `leaveUnpricedQueue` also takes it out of the unpriced index. False when skipped.
   */
  writeCost(
    interaction: RepriceCandidate,
    cost: CostBreakdown,
    leaveUnpricedQueue: boolean,
  ): Promise<boolean>;
  /** Marks a project's day changed, so the next scheduled rollup recomputes it. */
  markDayChanged(project: string, day: string): Promise<void>;
}

/** The unpriced queue of a project, by partition, with one persisted cursor per partition. */
export interface UnpricedQueue {
  /** Every partition of the project's unpriced queue. */
  partitions(project: string): string[];
  page(partition: string, after: string | undefined, limit: number): Promise<IndexPage>;
  loadCursor(project: string, partition: string): Promise<string | undefined>;
  saveCursor(project: string, partition: string, after: string): Promise<void>;
  clearCursor(project: string, partition: string): Promise<void>;
}

/** A day's index slices and the progress of day reprice runs. */
export interface DaySliceStore {
  /** Entries of a project's day in one shard and hour block, after `after`, in index order. */
  page(
    project: string,
    date: string,
    slice: DaySlice,
    after: string | undefined,
    limit: number,
  ): Promise<IndexPage>;
  loadProgress(runId: string, slice: DaySlice): Promise<SliceProgress | undefined>;
  saveProgress(runId: string, slice: DaySlice, progress: SliceProgress): Promise<void>;
  /** Every slice progress saved for the run. */
  listProgress(runId: string): Promise<{ slice: DaySlice; progress: SliceProgress }[]>;
}

/** What prices a project's interactions beside the shipped catalog. */
export interface ProjectPricing {
  /** Project overrides, consulted first. */
  rules: PricingRule[];
  /** The imported global catalog layer. */
  layer?: readonly PricingRule[];
  modelMap?: ModelMap;
}

export interface ProjectDirectory {
  /** Every project (with an API key). */
  listProjects(): Promise<string[]>;
  pricingFor(project: string): Promise<ProjectPricing>;
}

export interface RepriceLogger {
  info(message: string, details: Record<string, unknown>): void;
}

export interface RepriceDependencies {
  costs: CostStore;
  unpriced: UnpricedQueue;
  days: DaySliceStore;
  projects: ProjectDirectory;
  /** Names runs; nothing else reads it. */
  now: () => Date;
  logger: RepriceLogger;
}

/** Conditional updates in flight at once per call of the unpriced walk and of a save. */
export const REPRICE_WRITE_CONCURRENCY = 32;
/**
 * Conditional updates in flight at once per day slice: ~375 a second at 8 ms each, so one slice
 * per shard keeps a `byDay` partition under 40% of its 1,000 writes a second and 16 shards the
 * table under half its default write quota (npm run scale-model).
 */
export const SLICE_WRITE_CONCURRENCY = 3;
/** Unpriced partitions (project × shard) walked at once. */
export const PARTITION_CONCURRENCY = 8;
/** Index entries read per page. */
export const PAGE_SIZE = 500;
/**
 * A day slice hands over to its next invocation with 6 minutes left: each invocation works ~9 of
 * its 15 minutes, so a slow page never meets the timeout (npm run scale-model holds it to 1.5×).
 */
export const SLICE_STOP_MARGIN_MS = 360_000;
const HOURS_PER_SLICE = [1, 2, 3, 4, 6, 8, 12, 24];
/** Most slices a run plans: ~40 bytes each in the map's input, well under a state's 256 KB. */
export const MAX_SLICES = 2000;

export interface RepriceFilter {
  /** Only interactions of this model. */
  model?: string;
  /** Updates in flight at once; default {@link REPRICE_WRITE_CONCURRENCY}. */
  writeConcurrency?: number;
}

/**
 * Reprices interactions by partition key with the project's pricing (overrides, then the
 * catalog layer, then the catalog). The model priced is the project's mapping of `model` when
 * it has one, else the one pricing used when the interaction was stored (`pricedAs`), so an
 * Azure deployment keeps its real model. Interactions still in progress are skipped (they are
 * priced when they complete). The days of the costs it changed are marked changed, so the next
 * scheduled rollup recomputes them.
 *
 * @example
 * const results = await repriceInteractions(['INT#acme#a1'], await deps.projects.pricingFor('acme'), deps.costs);
 */
export async function repriceInteractions(
  pks: string[],
  pricing: ProjectPricing,
  costs: CostStore,
  filter: RepriceFilter = {},
): Promise<RepriceResult[]> {
  const items = await costs.readInteractions(pks);
  const results: RepriceResult[] = [];
  const writes: { item: RepriceCandidate; next: CostBreakdown }[] = [];
  for (const item of items) {
    if (!item.completedAt || (filter.model && item.model !== filter.model)) continue;
    const next = priceUsage({
      provider: item.provider,
      model: pricing.modelMap?.[item.model.trim().toLowerCase()] ?? item.pricedAs?.model ?? item.model,
      usage: item.usage,
      at: item.timestamp,
      batch: item.batch === true,
      serviceTier: item.pricedAs?.serviceTier,
      rules: pricing.rules,
      layer: pricing.layer,
    });
    const result = repriceCost(item.cost, next);
    results.push(result);
    if (result.changed) writes.push({ item, next });
  }
  await mapLimit(writes, filter.writeConcurrency ?? REPRICE_WRITE_CONCURRENCY, ({ item, next }) =>
    costs.writeCost(item, next, !isCatalogMiss(next.unpricedReason)),
  );
  // A cost changed on these days: their rollups are recomputed by the next scheduled rollup.
  const days = new Set(writes.map(({ item }) => `${item.project}\u0000${item.timestamp.slice(0, 10)}`));
  for (const entry of days) {
    const [project, day] = entry.split('\u0000') as [string, string];
    await costs.markDayChanged(project, day);
  }
  return results;
}

/**
 * Reprices one unpriced partition from its persisted cursor, a page at a time, until the
 * partition ends (cursor cleared) or `shouldStop` says the run's time is up (cursor saved).
 *
 * @example
 * const results = await repriceUnpricedPartition('acme', 'UNPRICED#acme#3', pricing, deps, () => false);
 */
export async function repriceUnpricedPartition(
  project: string,
  partition: string,
  pricing: ProjectPricing,
  deps: Pick<RepriceDependencies, 'costs' | 'unpriced'>,
  shouldStop: () => boolean,
  pageSize = PAGE_SIZE,
): Promise<RepriceResult[]> {
  let after = await deps.unpriced.loadCursor(project, partition);
  const results: RepriceResult[] = [];
  let done = false;
  while (!done && !shouldStop()) {
    const page = await deps.unpriced.page(partition, after, pageSize);
    results.push(
      ...(await repriceInteractions(
        page.entries.map((entry) => entry.pk),
        pricing,
        deps.costs,
      )),
    );
    if (page.entries.length > 0) after = page.entries[page.entries.length - 1]!.position;
    done = !page.more;
  }
  if (done) await deps.unpriced.clearCursor(project, partition);
  else if (after !== undefined) await deps.unpriced.saveCursor(project, partition, after);
  return results;
}

/**
 * The hourly walk: every unpriced partition of the projects (default every project), at most
 * {@link PARTITION_CONCURRENCY} at once, each from its cursor until `shouldStop`.
 *
 * @example
 * const summary = await repriceUnpriced({}, deps, () => remainingMs() < 60_000);
 */
export async function repriceUnpriced(
  input: { project?: string },
  deps: RepriceDependencies,
  shouldStop: () => boolean,
): Promise<RepriceSummary & { projects: number }> {
  const projects = input.project ? [input.project] : await deps.projects.listProjects();
  const partitions: { project: string; partition: string; pricing: ProjectPricing }[] = [];
  for (const project of projects) {
    const pricing = await deps.projects.pricingFor(project);
    for (const partition of deps.unpriced.partitions(project))
      partitions.push({ project, partition, pricing });
  }
  const walked = await mapLimit(partitions, PARTITION_CONCURRENCY, ({ project, partition, pricing }) =>
    repriceUnpricedPartition(project, partition, pricing, deps, shouldStop),
  );
  return { ...summarizeReprice(walked.flat()), projects: projects.length };
}

/** What `reprice --date` asks for. */
export interface DayRepriceInput {
  date: string;
  project?: string;
  model?: string;
  /** Continue this run (its finished slices answer their totals, the others resume). */
  runId?: string;
  /**
   * UTC hours a slice covers, a divisor of 24; default 1, or the fewest hours that keep the
   * slices at most {@link MAX_SLICES} (the map's item list travels in the state's input).
   */
  hoursPerSlice?: number;
}

/** Which interactions of the day a run reprices: all, or one model's. */
export interface DayRepriceFilter {
  model?: string;
}

/** The plan of one day reprice run: what the map walks and the finish sums. */
export interface DayRepricePlan {
  runId: string;
  date: string;
  filter: DayRepriceFilter;
  projects: string[];
  slices: DaySlice[];
}

/** Event of one map iteration (the state machine's item selector builds it from the plan). */
export interface DaySliceEvent {
  runId: string;
  date: string;
  filter: DayRepriceFilter;
  projects: string[];
  slice: DaySlice;
}

/**
 * Plans a day reprice: its projects and its slices, block by block of hours with the shards
 * interleaved, so the slices a map runs at once write different `byDay` partitions.
 *
 * @example
 * const plan = await planDayReprice({ date: '2026-11-20' }, deps); // 384 slices with 16 shards
 */
export async function planDayReprice(
  input: DayRepriceInput,
  deps: RepriceDependencies,
): Promise<DayRepricePlan> {
  const projects = input.project ? [input.project] : await deps.projects.listProjects();
  const shards = dayIndexShards();
  const fitting = HOURS_PER_SLICE.find((hours) => (shards * 24) / hours <= MAX_SLICES) ?? 24;
  const hours =
    input.hoursPerSlice !== undefined && HOURS_PER_SLICE.includes(input.hoursPerSlice)
      ? Math.max(input.hoursPerSlice, fitting)
      : fitting;
  const slices = Array.from({ length: (shards * 24) / hours }, (_, index) => ({
    shard: index % shards,
    hour: Math.floor(index / shards) * hours,
    hours,
  }));
  const runId =
    input.runId ??
    `${input.date}-${deps.now().toISOString().replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  return { runId, date: input.date, filter: input.model ? { model: input.model } : {}, projects, slices };
}

const emptySummary = (): RepriceSummary => summarizeReprice([]);

function addSummaries(a: RepriceSummary, b: RepriceSummary): RepriceSummary {
  return {
    count: a.count + b.count,
    changedCount: a.changedCount + b.changedCount,
    deltaNanos: a.deltaNanos + b.deltaNanos,
    newlyPricedCount: a.newlyPricedCount + b.newlyPricedCount,
    newlyUnpricedCount: a.newlyUnpricedCount + b.newlyUnpricedCount,
  };
}

/**
 * Reprices one slice of the day for every project of the run, from its saved progress, a page
 * at a time, saving the progress after each page; stops early when `shouldStop` says so.
 *
 * @example
 * const { done, summary } = await repriceDaySlice(event, deps, () => remainingMs() < 60_000);
 */
export async function repriceDaySlice(
  event: DaySliceEvent,
  deps: RepriceDependencies,
  shouldStop: () => boolean = () => false,
  pageSize = PAGE_SIZE,
): Promise<SliceProgress> {
  const { runId, date, slice, projects } = event;
  const progress: SliceProgress = (await deps.days.loadProgress(runId, slice)) ?? {
    projectIndex: 0,
    done: false,
    summary: emptySummary(),
  };
  if (progress.done) return progress;
  let pricing: { project: string; pricing: ProjectPricing } | undefined;
  while (progress.projectIndex < projects.length) {
    if (shouldStop()) {
      await deps.days.saveProgress(runId, slice, progress);
      return progress;
    }
    const project = projects[progress.projectIndex]!;
    if (pricing?.project !== project) pricing = { project, pricing: await deps.projects.pricingFor(project) };
    const page = await deps.days.page(project, date, slice, progress.after, pageSize);
    const results = await repriceInteractions(
      page.entries.map((entry) => entry.pk),
      pricing.pricing,
      deps.costs,
      { model: event.filter.model, writeConcurrency: SLICE_WRITE_CONCURRENCY },
    );
    progress.summary = addSummaries(progress.summary, summarizeReprice(results));
    if (page.more && page.entries.length > 0) {
      progress.after = page.entries[page.entries.length - 1]!.position;
    } else {
      progress.projectIndex += 1;
      delete progress.after;
    }
    if (progress.projectIndex < projects.length) await deps.days.saveProgress(runId, slice, progress);
  }
  progress.done = true;
  await deps.days.saveProgress(runId, slice, progress);
  return progress;
}

/** Raised when a run is finished before all its slices are. */
export class DayRepriceIncompleteError extends Error {
  public constructor(runId: string, missing: number) {
    super(`reprice run ${runId}: ${missing} slices not done`);
    this.name = 'DayRepriceIncompleteError';
  }
}

/**
 * Sums the totals of every slice of the run.
 *
 * @throws {DayRepriceIncompleteError} when a slice has not finished (never a short total).
 * @example
 * const summary = await finishDayReprice(plan, deps); // { count: 1200, changedCount: 37, ... }
 */
export async function finishDayReprice(
  plan: DayRepricePlan,
  deps: RepriceDependencies,
): Promise<RepriceSummary & { projects: number; slices: number; runId: string }> {
  const saved = await deps.days.listProgress(plan.runId);
  const done = saved.filter((entry) => entry.progress.done);
  if (done.length < plan.slices.length)
    throw new DayRepriceIncompleteError(plan.runId, plan.slices.length - done.length);
  const summary = done.reduce((total, entry) => addSummaries(total, entry.progress.summary), emptySummary());
  deps.logger.info('day reprice finished', { ...summary, runId: plan.runId, date: plan.date });
  return { ...summary, projects: plan.projects.length, slices: plan.slices.length, runId: plan.runId };
}

/**
 * A whole day reprice in process: plan, every slice with bounded parallelism (each to its end),
 * finish. The steps the state machine runs, for a direct invoke, `jobs run` and the local twin.
 *
 * @example
 * await runDayReprice({ date: '2026-11-20', model: 'gpt-4o' }, deps, 8);
 */
export async function runDayReprice(
  input: DayRepriceInput,
  deps: RepriceDependencies,
  concurrency: number,
): Promise<RepriceSummary & { projects: number; slices: number; runId: string }> {
  const plan = await planDayReprice(input, deps);
  await mapLimit(plan.slices, concurrency, (slice) =>
    repriceDaySlice(
      { runId: plan.runId, date: plan.date, filter: plan.filter, projects: plan.projects, slice },
      deps,
    ),
  );
  return finishDayReprice(plan, deps);
}
