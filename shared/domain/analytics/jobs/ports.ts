/**
 * What the analytics jobs need from the outside world, as small interfaces: where a day's
 * interactions are read, where rollups, anomalies, budget events and a run's partial sums are
 * kept, who is told about an anomaly, the clock, the logger and the metrics. The DynamoDB, S3,
 * EventBridge and SNS implementations live in shared/adapters/aws; unit tests use in-memory ones.
 */
import type { Anomaly } from '../anomaly';
import type { BudgetCrossing } from '../budget';
import type { DayRollupPartial, LeveledRollup, RollupLevel } from '../day-rollup';
import type { Granularity } from '../period';
import type { Rollup, RollupSourceRecord } from '../rollup';

/** One slice of a project's day: a `byDay` shard × `hours` UTC hours from `hour`. */
export interface RollupSlice {
  project: string;
  date: string;
  shard: number;
  hour: number;
  hours: number;
}

/** Reads a project day's interactions as rollup source records, page by page. */
export interface DayRecordSource {
  /** Every record of one slice (a shard × hours of the day). */
  forEachSliceRecord(slice: RollupSlice, onPage: (records: RollupSourceRecord[]) => void): Promise<void>;
  /** Every record of the whole day, all shards (the one-pass recompute). */
  forEachDayRecord(
    project: string,
    day: string,
    onPage: (records: RollupSourceRecord[]) => void,
  ): Promise<void>;
}

/** Which project days have interactions, and which past days changed after their rollup. */
export interface ActivityStore {
  /** The projects with interactions on a UTC day, sorted. */
  activeProjects(day: string): Promise<string[]>;
  /** The (project, day) pairs marked changed up to and including `through`, oldest first. */
  changedDays(through: string): Promise<{ project: string; day: string }[]>;
  /**
   * Clears a day's changed mark unless it was written at or after `unchangedSince` (a record
   * processed during the run keeps it); answers whether it was cleared.
   */
  clearDayChanged(project: string, day: string, unchangedSince: string): Promise<boolean>;
}

export interface RollupQuery {
  project: string;
  granularity: Granularity;
  /** First day, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  to: string;
  level?: RollupLevel;
  /** Only tag rollups of this tag key (model level); without it, tag rollups are left out. */
  tagKey?: string;
}

/** Reads stored rollups. */
export interface RollupReader {
  /** A project's rollups between two days (inclusive) at one level, oldest first. */
  queryRollups(query: RollupQuery): Promise<Rollup[]>;
}

/** Stores rollups under deterministic keys. */
export interface RollupStore extends RollupReader {
  /**
   * Replaces a project's rollups of one day in the given granularities with `rollups`: each is
   * written under its deterministic key, and the day's earlier items no longer produced are
   * deleted, so a re-run overwrites and never adds.
   */
  replaceDayRollups(
    project: string,
    day: string,
    granularities: readonly Granularity[],
    rollups: readonly LeveledRollup[],
    computedAt: string,
  ): Promise<{ written: number; deleted: number }>;
}

/** Where a scaled-out run keeps its slice list and each slice's partial sums between steps. */
export interface RollupRunStore {
  /** Writes the run's slice list (the map's items); answers where it is. */
  putSlices(runId: string, slices: RollupSlice[]): Promise<string>;
  /** Writes a slice's partial sums (a retry overwrites). */
  putPartial(runId: string, slice: RollupSlice, partial: DayRollupPartial): Promise<void>;
  /** Reads a slice's partial sums; rejects when the slice never finished. */
  getPartial(runId: string, slice: RollupSlice): Promise<DayRollupPartial>;
}

export type AnomalyStatus = 'open' | 'resolved';

/** An anomaly as stored: the detection plus its triage state. */
export interface StoredAnomaly extends Anomaly {
  status: AnomalyStatus;
  detectedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  note?: string;
  /** When its notification went out; absent until it did. */
  notifiedAt?: string;
}

/** Stores anomalies under their deterministic ids. */
export interface AnomalyStore {
  /**
   * Writes a detected anomaly: the measured values are updated, the triage state never (a
   * resolved anomaly stays resolved). Answers whether it is new, its status, and whether its
   * notification already went out.
   */
  upsertAnomaly(
    anomaly: Anomaly,
    now: string,
  ): Promise<{ created: boolean; status: AnomalyStatus; notified: boolean }>;
  /** Records that the anomaly's notification went out (once). */
  markAnomalyNotified(project: string, id: string, now: string): Promise<void>;
}

/** A budget threshold raised for a project and month. */
export interface StoredBudgetEvent extends BudgetCrossing {
  id: string;
  project: string;
  raisedAt: string;
  notifiedAt?: string;
}

/** Budgets and the budget events raised against them. */
export interface BudgetStore {
  /** The project's stored budget section, unparsed (undefined or null when none is set). */
  budgetOf(project: string): Promise<unknown>;
  /**
   * Records a crossing under its id unless one exists (a conditional write): `created` is false
   * when it was raised before, `notified` whether its notification already went out.
   */
  recordBudgetEvent(
    project: string,
    id: string,
    crossing: BudgetCrossing,
    now: string,
  ): Promise<{ created: boolean; notified: boolean }>;
  /** Records that the budget event's notification went out (once). */
  markBudgetEventNotified(project: string, id: string, now: string): Promise<void>;
}

export type NotificationType = 'Cost Anomaly Detected' | 'Budget Threshold Crossed';

/** A notification: names, ids and amounts only, never payload text. */
export interface Notification {
  /** The anomaly id or budget event id. */
  id: string;
  /** EventBridge detail-type. */
  detailType: NotificationType;
  project: string;
  /** SNS subject (at most 100 characters). */
  subject: string;
  /** One human-readable line. */
  message: string;
  /** EventBridge detail: ids, names and amounts. */
  detail: Record<string, unknown>;
}

/** Where notifications go. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** Structured log lines of a job. */
export interface JobLogger {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
}

/** One metric value; `None` for ratios, `Count` otherwise. */
export interface MetricValue {
  name: string;
  value: number;
  unit?: 'Count' | 'None';
}

/** The job's metrics (CloudWatch EMF in AWS). */
export interface JobMetrics {
  /** Adds a value to the invocation's metrics (no dimensions of its own). */
  add(metric: MetricValue): void;
  /** Publishes values under their own dimensions, apart from the invocation's metrics. */
  addWithDimensions(dimensions: Record<string, string>, metrics: readonly MetricValue[]): void;
}

/** The clock: what "now" is, so a default date never depends on when a test runs. */
export interface Clock {
  now(): Date;
}
