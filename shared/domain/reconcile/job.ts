/**
 * The reconcile job as a use case: for each project with provider accounts, read the providers'
 * usage and cost reports for the days, compare them with the ledger's daily rollups, replace the
 * days' reconciliation items and raise `untracked_usage` / `cost_drift` anomalies. Everything it
 * touches comes in as a dependency (stores, report clients, the anomaly recorder), so it runs the
 * same against AWS, the local twin, or fakes.
 *
 * Steps ({@link runReconcile}, wrapped by {@link runReconcileJob} for metrics and the log line):
 * 1. Parse the event; the days end at `date` (default yesterday) and span `days`.
 * 2. For each project with provider accounts, read the ledger's daily model rollups and the
 *    project's pricing overrides; days with interactions but no rollups are left alone (listed
 *    in `failed`), never compared as if every call were untracked.
 * 3. For each account, read the provider's report (one that fails is listed in `failed`, the
 *    others go on), reconcile it day by day, replace the compared days' items, and record the
 *    anomalies found (stored once, notified once).
 * 4. Throw {@link ReconcileFailedError} when anything failed (the scheduler retries), after
 *    publishing what was reconciled: `ReconcileCoverage` (lowest), `ReconcileDriftNanoUsd`,
 *    `ReconcileUntrackedNanoUsd` per provider, `ReconciliationItems`, `ReconcileFailures`.
 */
import * as z from 'zod';
import type { Anomaly } from '../analytics/anomaly';
import type { JobLogger, JobMetrics } from '../analytics/jobs/ports';
import { calendarDateSchema, parseOrThrow } from '../analytics/options';
import { addDays } from '../analytics/period';
import type { Rollup } from '../analytics/rollup';
import { METRIC } from '../metric-names';
import type { PricingRule } from '../pricing/types';
import type { ProviderAccount } from './accounts';
import { reconcileOptionsSchema, reconciliationAnomalies } from './findings';
import { overrideLookup } from './overrides';
import { ProviderReportError, type ProviderReportPort } from './port';
import { reconcileDays } from './reconcile';
import type { LedgerUsage, ProviderReport, ReconciliationItem } from './types';

const dateSchema = calendarDateSchema;

/** Event of the reconcile function (schedule, `jobs run reconcile`, or a direct invoke). */
export const reconcileJobInputSchema = z.strictObject({
  /** Last UTC day to reconcile; default yesterday. */
  date: dateSchema.optional(),
  /** How many days ending at `date` (reports settle late, so the schedule re-reads 3); default 1. */
  days: z.number().int().min(1).max(31).default(1),
  /** Only these projects; default every project with provider accounts. */
  projects: z.array(z.string().min(1).max(128)).max(1000).optional(),
  /** Thresholds of `untracked_usage` and `cost_drift`; every field has a default. */
  options: reconcileOptionsSchema.partial().optional(),
});

export type ReconcileJobInput = z.input<typeof reconcileJobInputSchema>;

export interface ReconcileDependencies {
  /** The projects that have provider accounts, and each one's accounts. */
  accounts: {
    projects(): Promise<string[]>;
    of(project: string): Promise<ProviderAccount[]>;
  };
  /** The report client of an account, or undefined when no adapter exists for its provider. */
  reportFor(account: ProviderAccount): ProviderReportPort | undefined;
  /** The ledger's daily model rollups of a project between two days (inclusive). */
  ledgerUsage(project: string, from: string, to: string): Promise<LedgerUsage[]>;
  /**
   * Whether the project had interactions on a day. A day with interactions but no rollups has
   * not been rolled up yet: comparing it would report every call as untracked.
   */
  activeOn(project: string, day: string): Promise<boolean>;
  /** The project's pricing overrides. */
  overrides(project: string): Promise<PricingRule[]>;
  /** Replaces a project's items of one provider for the days (a re-run overwrites). */
  replaceItems(
    project: string,
    provider: string,
    from: string,
    to: string,
    items: readonly ReconciliationItem[],
  ): Promise<{ written: number; deleted: number }>;
  /** Stores an anomaly and notifies once; `created` when it is new. */
  recordAnomaly(anomaly: Anomaly): Promise<{ created: boolean }>;
  now(): Date;
}

/** What one project × provider reconciliation found. */
export interface ReconciledAccount {
  project: string;
  provider: string;
  items: number;
  /** The lowest coverage of any item (requests, input or output tokens); null when none compared. */
  lowestCoverage: number | null;
  /** Sum of |pricing drift| over the items, nano-USD. */
  pricingDriftNanos: number;
  /** Estimated cost of calls the ledger never saw, nano-USD. */
  untrackedNanos: number;
  anomalies: number;
}

export interface ReconcileJobSummary {
  from: string;
  to: string;
  projects: number;
  accounts: ReconciledAccount[];
  items: number;
  anomalies: number;
  /** Of those, first raised by this run. */
  new: number;
  /**
   * Accounts whose reports could not be read (provider, HTTP status and code only), and days
   * not rolled up yet (provider `*`): those were not reconciled.
   */
  failed: { project: string; provider: string; error: string }[];
}

/** Some provider reports could not be read; the others were reconciled. */
export class ReconcileFailedError extends Error {
  public readonly summary: ReconcileJobSummary;

  public constructor(summary: ReconcileJobSummary) {
    super(
      `reconcile ${summary.from}..${summary.to}: ${summary.failed.length} part(s) failed: ${summary.failed
        .map((failure) => `${failure.project}/${failure.provider}: ${failure.error}`)
        .join('; ')}`,
    );
    this.name = 'ReconcileFailedError';
    this.summary = summary;
  }
}

async function daysWithoutRollups(
  project: string,
  from: string,
  to: string,
  ledger: readonly LedgerUsage[],
  deps: ReconcileDependencies,
): Promise<string[]> {
  const rolledUp = new Set(ledger.map((day) => day.date));
  const missing: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (!rolledUp.has(day) && (await deps.activeOn(project, day))) missing.push(day);
  }
  return missing;
}

function withoutDays(report: ProviderReport, days: readonly string[]): ProviderReport {
  if (days.length === 0) return report;
  const skip = new Set(days);
  return {
    usage: report.usage.filter((usage) => !skip.has(usage.date)),
    costs: report.costs === null ? null : report.costs.filter((cost) => !skip.has(cost.date)),
  };
}

/** The runs of consecutive days from `from` to `to` that are not in `skip`. */
function dayRanges(from: string, to: string, skip: readonly string[]): [string, string][] {
  const skipped = new Set(skip);
  const ranges: [string, string][] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (skipped.has(day)) continue;
    const last = ranges[ranges.length - 1];
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges;
}

function lowestCoverageOf(items: readonly ReconciliationItem[]): number | null {
  let lowest: number | null = null;
  for (const item of items) {
    for (const value of [item.coverage.requests, item.coverage.inputTokens, item.coverage.outputTokens]) {
      if (value !== null && (lowest === null || value < lowest)) lowest = value;
    }
  }
  return lowest;
}

/**
 * Reconciles the days ending at `date` (default yesterday) for every project with provider
 * accounts. A provider whose report cannot be read is skipped and listed in `failed`; the job
 * then throws {@link ReconcileFailedError} after finishing the others, so a scheduler retries it.
 *
 * @example
 * await runReconcile({ date: '2026-11-21' }, deps);
 * // { from: '2026-11-21', to: '2026-11-21', projects: 1, items: 3, anomalies: 1, new: 1, failed: [], ... }
 */
export async function runReconcile(
  event: unknown,
  deps: ReconcileDependencies,
): Promise<ReconcileJobSummary> {
  const input = parseOrThrow(reconcileJobInputSchema, event ?? {}, 'reconcile job input');
  const to = input.date ?? addDays(deps.now().toISOString().slice(0, 10), -1);
  const from = addDays(to, -(input.days - 1));
  const projects = input.projects ?? (await deps.accounts.projects());
  const summary: ReconcileJobSummary = {
    from,
    to,
    projects: projects.length,
    accounts: [],
    items: 0,
    anomalies: 0,
    new: 0,
    failed: [],
  };
  for (const project of projects) {
    const accounts = await deps.accounts.of(project);
    if (accounts.length === 0) continue;
    const [ledger, overrides] = await Promise.all([
      deps.ledgerUsage(project, from, to),
      deps.overrides(project),
    ]);
    const notRolledUp = await daysWithoutRollups(project, from, to, ledger, deps);
    for (const day of notRolledUp) {
      summary.failed.push({
        project,
        provider: '*',
        error: `the ledger of ${day} is not rolled up yet (jobs run rollup --date ${day}); the day was not reconciled`,
      });
    }
    for (const account of accounts) {
      const port = deps.reportFor(account);
      if (!port) {
        summary.failed.push({
          project,
          provider: account.provider,
          error: 'no report adapter for this provider',
        });
        continue;
      }
      let report: Awaited<ReturnType<ProviderReportPort['read']>>;
      try {
        report = await port.read({ from, to, scope: account.scope });
      } catch (error) {
        summary.failed.push({
          project,
          provider: account.provider,
          // Our own errors carry status and code only; anything else is named by its class.
          error:
            error instanceof ProviderReportError
              ? error.message
              : error instanceof Error
                ? error.name
                : 'error',
        });
        continue;
      }
      const items = reconcileDays({
        provider: account.provider,
        ledger,
        report: withoutDays(report, notRolledUp),
        overrideFor: overrideLookup(account.provider, overrides),
      });
      // Days that were not compared keep their earlier items.
      for (const [first, last] of dayRanges(from, to, notRolledUp)) {
        await deps.replaceItems(
          project,
          account.provider,
          first,
          last,
          items.filter((item) => item.date >= first && item.date <= last),
        );
      }
      const anomalies = reconciliationAnomalies(project, items, input.options);
      for (const anomaly of anomalies) {
        if ((await deps.recordAnomaly(anomaly)).created) summary.new += 1;
      }
      summary.items += items.length;
      summary.anomalies += anomalies.length;
      summary.accounts.push({
        project,
        provider: account.provider,
        items: items.length,
        lowestCoverage: lowestCoverageOf(items),
        pricingDriftNanos: items.reduce((sum, item) => sum + Math.abs(item.pricingDriftNanos ?? 0), 0),
        untrackedNanos: items.reduce(
          (sum, item) =>
            sum +
            item.causes.reduce(
              (inner, cause) => inner + (cause.kind === 'untracked_calls' ? cause.estimatedNanos : 0),
              0,
            ),
          0,
        ),
        anomalies: anomalies.length,
      });
    }
  }
  if (summary.failed.length > 0) throw new ReconcileFailedError(summary);
  return summary;
}

/**
 * The ledger's daily model rollups as reconciliation input. `requests` are the successful
 * calls: a failed call may never have reached the provider's model.
 *
 * @example
 * ledgerUsageOf(await rollups.queryRollups({ project, granularity: 'day', from, to, level: 'model' }));
 */
export function ledgerUsageOf(rollups: readonly Rollup[]): LedgerUsage[] {
  return rollups.map((rollup) => ({
    date: rollup.period,
    provider: rollup.provider,
    model: rollup.model,
    requests: rollup.successCount,
    tokens: {
      input: rollup.tokens.input,
      cachedInput: rollup.tokens.cachedInput,
      cacheWriteInput: rollup.tokens.cacheWriteInput,
      output: rollup.tokens.output,
    },
    costNanos: rollup.cost.totalNanos,
    unpricedRequests: rollup.unpricedCount,
  }));
}

export interface ReconcileJobDependencies extends ReconcileDependencies {
  logger: JobLogger;
  metrics: JobMetrics;
}

function publishMetrics(summary: ReconcileJobSummary, metrics: JobMetrics): void {
  for (const account of summary.accounts) {
    metrics.addWithDimensions({ provider: account.provider }, [
      ...(account.lowestCoverage !== null
        ? [{ name: METRIC.reconcileCoverage, value: account.lowestCoverage, unit: 'None' as const }]
        : []),
      { name: METRIC.reconcileDriftNanoUsd, value: account.pricingDriftNanos },
      { name: METRIC.reconcileUntrackedNanoUsd, value: account.untrackedNanos },
    ]);
  }
  metrics.add({ name: METRIC.reconciliationItems, value: summary.items });
  if (summary.failed.length > 0)
    metrics.add({ name: METRIC.reconcileFailures, value: summary.failed.length });
}

/**
 * Runs the reconcile job ({@link runReconcile}) and publishes its metrics, also when some
 * parts failed (what was reconciled is counted before the error is rethrown).
 *
 * @example
 * await runReconcileJob({ date: '2026-11-21' }, deps);
 */
export async function runReconcileJob(
  event: unknown,
  deps: ReconcileJobDependencies,
): Promise<ReconcileJobSummary> {
  const summary = await runReconcile(event, deps).catch((error: unknown) => {
    if (error instanceof ReconcileFailedError) publishMetrics(error.summary, deps.metrics);
    throw error;
  });
  publishMetrics(summary, deps.metrics);
  deps.logger.info('reconcile job done', {
    from: summary.from,
    to: summary.to,
    projects: summary.projects,
    items: summary.items,
    anomalies: summary.anomalies,
    new: summary.new,
  });
  return summary;
}
