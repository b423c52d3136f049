/**
 * The anomaly job: judges one UTC day (default yesterday) per project × provider × model
 * against its trailing window (28 days by default).
 *
 * Steps:
 * 1. Parse the event; pick the day and the window.
 * 2. Find the projects: the event's, or every project active in the window or on the day.
 * 3. For each project, read its daily model rollups of the window and group them into series
 *    (a model that stopped being called is judged too).
 * 4. Run `detectAnomalies` on each series; record each anomaly ({@link recordAnomaly}: written
 *    under its deterministic id, re-runs update it, never duplicate it, never reopen a resolved
 *    one; notified once).
 * 5. Count `AnomalySeriesJudged`, log and answer the summary.
 */

import { METRIC } from '../../metric-names';
import { anomalyOptionsSchema, type DailyObservation, detectAnomalies, toDailyObservation } from '../anomaly';
import { addDays } from '../period';
import { anomalyJobInputSchema, parseJobInput } from './input';
import type { ActivityStore, Clock, JobLogger, JobMetrics, RollupReader } from './ports';
import { type RecordAnomalyDependencies, recordAnomaly } from './record-anomaly';

export interface AnomalyJobDependencies extends RecordAnomalyDependencies {
  activity: Pick<ActivityStore, 'activeProjects'>;
  rollups: RollupReader;
  logger: JobLogger;
  metrics: JobMetrics;
  clock: Clock;
}

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

/** Days read for active projects at once. */
const ACTIVITY_READ_CONCURRENCY = 8;

async function projectsActiveBetween(
  activity: AnomalyJobDependencies['activity'],
  start: string,
  end: string,
): Promise<string[]> {
  const days: string[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  const found = new Set<string>();
  for (let index = 0; index < days.length; index += ACTIVITY_READ_CONCURRENCY) {
    const batch = await Promise.all(
      days.slice(index, index + ACTIVITY_READ_CONCURRENCY).map((day) => activity.activeProjects(day)),
    );
    for (const projects of batch) for (const project of projects) found.add(project);
  }
  return [...found].sort();
}

/**
 * Judges one UTC day (default yesterday) and records what it finds.
 *
 * @example
 * await runAnomalyJob({ date: '2026-11-21' }, deps);
 * // { date: '2026-11-21', projects: 2, series: 7, anomalies: 1, new: 1 }
 */
export async function runAnomalyJob(
  event: unknown,
  deps: AnomalyJobDependencies,
): Promise<AnomalyJobSummary> {
  const input = parseJobInput(anomalyJobInputSchema, event, 'anomaly');
  const date = input.date ?? addDays(deps.clock.now().toISOString().slice(0, 10), -1);
  const windowDays = input.options?.windowDays ?? anomalyOptionsSchema.parse({}).windowDays;
  const start = addDays(date, -windowDays);
  const projects = input.projects ?? (await projectsActiveBetween(deps.activity, start, date));
  const summary: AnomalyJobSummary = { date, projects: projects.length, series: 0, anomalies: 0, new: 0 };
  const now = deps.clock.now().toISOString();
  for (const project of projects) {
    const rollups = await deps.rollups.queryRollups({
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
  deps.metrics.add({ name: METRIC.anomalySeriesJudged, value: summary.series });
  deps.logger.info('anomaly job done', { ...summary });
  return summary;
}
