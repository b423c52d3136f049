/**
 * The analytics jobs (shared/domain/analytics/jobs: rollup, budget, anomaly) wired to AWS: the day's
 * records, activity marks, rollups, anomalies and budget events in the ledger table, a run's
 * partials in the payload bucket, notifications through EventBridge and SNS (recorded in the
 * table locally), Powertools' logger and metrics, and the deployment's settings from the
 * environment. The handlers in functions/rollup and functions/anomaly take their dependencies
 * from here.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Granularity, LeveledRollup } from '../../domain/analytics';
import {
  type BudgetStore,
  type Clock,
  type JobMetrics,
  type Notifier,
  type RollupJobDependencies,
  type RollupSettings,
  recomputeDayRollups as recomputeFrom,
} from '../../domain/analytics/jobs';
import { ANALYTICS_ENV } from '../../domain/env-names';
import { dayIndexShards } from '../../domain/table/shards';
import {
  dynamoActivity,
  dynamoAnomalies,
  dynamoDayRecords,
  dynamoRollups,
  markBudgetEventNotified,
  recordBudgetEvent,
} from './analytics-store';
import { notifier as environmentNotifier } from './notifications';
import { getProjectSettings } from './project-settings';
import { s3RollupRuns } from './rollup-run-store';

export type { AnomalyJobSummary, RollupJobSummary, RollupPlan } from '../../domain/analytics/jobs';

/** Environment of the analytics jobs. */
export { ANALYTICS_ENV };

const HOURS_PER_SLICE = [1, 2, 3, 4, 6, 8, 12, 24];

/**
 * The rollup settings from the environment, read at each call (tests change them between runs).
 *
 * @example
 * rollupSettingsFromEnvironment(); // { shards: 16, hoursPerSlice: 1, tagKeys: [], mapConcurrency: 8 }
 */
export function rollupSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): RollupSettings {
  const hoursPerSlice = Number(env[ANALYTICS_ENV.hoursPerSlice] ?? 1);
  return {
    shards: dayIndexShards(),
    hoursPerSlice: HOURS_PER_SLICE.includes(hoursPerSlice) ? hoursPerSlice : 1,
    tagKeys: (env[ANALYTICS_ENV.rollupTagKeys] ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
    mapConcurrency: Number(env[ANALYTICS_ENV.mapConcurrency] ?? 8) || 8,
  };
}

/**
 * Powertools metrics as the jobs' metrics port: plain values go to the invocation's metrics,
 * values with dimensions each go out as a single metric of their own.
 *
 * @example
 * powertoolsJobMetrics(metrics).add({ name: 'RollupsWritten', value: 30 });
 */
export function powertoolsJobMetrics(metrics: Metrics): JobMetrics {
  const unitOf = (unit: 'Count' | 'None' | undefined) =>
    unit === 'None' ? MetricUnit.NoUnit : MetricUnit.Count;
  return {
    add: ({ name, value, unit }) => {
      metrics.addMetric(name, unitOf(unit), value);
    },
    addWithDimensions: (dimensions, values) => {
      for (const { name, value, unit } of values) {
        // A single metric is published (and its dimensions cleared) at each addMetric.
        const single = metrics.singleMetric();
        for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
        single.addMetric(name, unitOf(unit), value);
      }
    },
  };
}

/** What a handler hands in: its observability, and in tests a notifier or a clock. */
export interface JobObservability {
  logger: Logger;
  metrics: Metrics;
  notifier?: Notifier;
  /** The clock that picks the default date; jobs given a date never read it for that. */
  now?: () => Date;
}

/** Budgets from the project settings item, budget events in the ledger table. */
export const dynamoBudgets: BudgetStore = {
  budgetOf: async (project) => (await getProjectSettings(project)).budget,
  recordBudgetEvent,
  markBudgetEventNotified,
};

/** The system clock, or the one handed in. */
export const clockOf = (now?: () => Date): Clock => ({ now: now ?? (() => new Date()) });

/**
 * Every dependency of the analytics jobs, on DynamoDB, S3, EventBridge and SNS.
 *
 * @example
 * await runRollupJob({ date: '2026-11-21' }, analyticsJobDependencies({ logger, metrics }));
 */
export function analyticsJobDependencies(observability: JobObservability): RollupJobDependencies {
  return {
    records: dynamoDayRecords,
    activity: dynamoActivity,
    rollups: dynamoRollups,
    runs: s3RollupRuns,
    anomalies: dynamoAnomalies,
    budgets: dynamoBudgets,
    notifier: observability.notifier ?? environmentNotifier(),
    settings: rollupSettingsFromEnvironment(),
    logger: observability.logger,
    metrics: powertoolsJobMetrics(observability.metrics),
    clock: clockOf(observability.now),
  };
}

/**
 * The one-pass recompute of a project day from the `byDay` index, kept as the check. Writes nothing.
 *
 * @example
 * const expected = await recomputeDayRollups('acme', '2026-11-21', ['day', 'hour'], []);
 */
export const recomputeDayRollups = (
  project: string,
  date: string,
  granularities: Granularity[],
  tagKeys: string[],
): Promise<LeveledRollup[]> => recomputeFrom(dynamoDayRecords, project, date, granularities, tagKeys);
