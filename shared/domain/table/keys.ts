/**
 * Every item key and index partition of the single-table design, in one place. Deterministic:
 * the same item always maps to the same keys, which is what makes writes idempotent and re-runs
 * overwrite rather than add. These formats are what deployed tables hold: never change one.
 *
 * | item                     | pk                                 | sk                                   |
 * | ------------------------ | ---------------------------------- | ------------------------------------ |
 * | interaction              | `INT#<project>#<id>`               | `INT`                                |
 * | project settings         | `PROJECT#<project>`                | `SETTINGS`                           |
 * | analysis request         | `AREQ#<project>#<requestId>`       | `AREQ`                               |
 * | analysis batch           | `ABATCH#<project>`                 | `ABATCH#<batchId>`                   |
 * | analysis status counter  | `ASTAT#<project>`                  | `SHARD#<n>`                          |
 * | active-project mark      | `ACTIVE#<day>`                     | `<project>`                          |
 * | rollup                   | `ROLLUP#<project>#<day|hour>`      | `<period>#<provider>#<model>[#TAG#…]` |
 * | anomaly                  | `ANOMALY#<project>`                | `<anomalyId>`                        |
 * | budget event             | `BUDGET#<project>`                 | `<budgetEventId>`                    |
 * | reprice cursor           | `REPRICE#<project>`                | `CURSOR#<partition>`                 |
 * | reprice run slice        | `REPRICE#RUN#<runId>`              | `SLICE#<shard>#<hour>#<hours>`       |
 * | reconciliation           | `RECON#<project>`                  | `<day>#<provider>#<model>`           |
 * | catalog layer version    | `CATALOG#global`                   | `VERSION#000042`, `CURRENT`          |
 * | notification (local)     | `NOTIFICATION#<project>`           | (per publish)                        |
 * | API key (keys table)     | `KEY#<sha256>`                     |                                      |
 *
 * Index partitions: `SES#`, `DAY#`, `UNPRICED#`, `OPEN#` (interactions, ./layout.ts), `AWORK#`
 * and `ASTATUS#` (analysis work queues and status lists). Where the parts are user-chosen names,
 * rollups percent-escape `#`, `=`, `!` and `%` ({@link escapeKeyPart}), reconciliation items
 * URI-encode; older formats stay as they were written.
 *
 * Why a folder of its own rather than inside one area: the table holds items of every area
 * (ledger, analysis, analytics, pricing, reconciliation), and its keys, shards, cursors, update
 * expressions and index lookups are one design; each area's store reads them from here. Plain
 * domain code (no SDK): the stores adapt it to DynamoDB.
 */

import type { RollupLevel } from '../analytics/day-rollup';
import type { RollupDimensions, RollupTag } from '../analytics/keys';
import type { Granularity } from '../analytics/period';
import type { AnalysisStatus } from '../batch-analysis/status';
import { dayIndexShards, PENDING_SHARDS, shardOf, workIndexShards } from './shards';

// ── interactions and their indexes ─────────────────────────────────────────────────────────

/** Sort key of every interaction item. */
export const INTERACTION_SK = 'INT';

/** The interaction item. */
export const interactionKey = (project: string, id: string) => ({
  pk: `INT#${project}#${id}`,
  sk: INTERACTION_SK,
});

/**
 * Session index partition. The session, unpriced and day indexes all sort on the item's `daySk`
 * (`<timestamp>#<id>`): one attribute instead of three copies keeps the item smaller.
 */
export const sessionIndexKey = (project: string, sessionId: string) => ({
  sessionPk: `SES#${project}#${sessionId}`,
});

/** Stable `byDay` shard for an interaction id, so a re-delivery lands on the same shard. */
export const dayShard = (id: string): number => shardOf(id, dayIndexShards());

/** Partition of one shard of a project's unpriced work queue (`byUnpriced`). */
export const unpricedPartition = (project: string, shard: number) => `UNPRICED#${project}#${shard}`;

/** The unsharded partition older versions wrote; the reprice job still drains it. */
export const legacyUnpricedPartition = (project: string) => `UNPRICED#${project}`;

/** Sparse index entry of an interaction no rule could price yet (removed once priced). */
export const unpricedIndexKey = (project: string, id: string) => ({
  unpricedPk: unpricedPartition(project, shardOf(id, workIndexShards())),
});

/** Partition of one shard of a project's in-progress interactions (`byOpen`). */
export const openPartition = (project: string, shard: number) => `OPEN#${project}#${shard}`;

/**
 * Sparse index entry of an interaction that started and has not completed: set by a start
 * event while no completion exists, removed by the completion or by the sweep that abandons it.
 */
export const openIndexKey = (project: string, id: string) => ({
  openPk: openPartition(project, shardOf(id, workIndexShards())),
});

/** Partition of one shard of a project's day in the `byDay` index. */
export const dayPartition = (project: string, day: string, shard: number) => `DAY#${project}#${day}#${shard}`;

/** The `byDay` index entry of an interaction (its `daySk` is the sort key of every interaction index). */
export const dayIndexKey = (project: string, timestamp: string, id: string) => ({
  dayPk: dayPartition(project, timestamp.slice(0, 10), dayShard(id)),
  daySk: `${timestamp}#${id}`,
});

/**
 * The id in an interaction index's sort key `<timestamp>#<id>` (an ISO timestamp holds no `#`).
 *
 * @example
 * idOfDaySortKey('2026-11-21T09:00:00.000Z#call-42'); // 'call-42'
 */
export const idOfDaySortKey = (daySk: string) => daySk.slice(daySk.indexOf('#') + 1);

// ── API keys (keys table) and project settings ─────────────────────────────────────────────

/** An API key item: only its SHA-256 hash is stored. */
export const apiKeyItemKey = (keyHash: string) => ({ pk: `KEY#${keyHash}` });

/** A project's settings item (pricing rules, model map, retention, analysis, budget…). */
export const projectSettingsKey = (project: string) => ({ pk: `PROJECT#${project}`, sk: 'SETTINGS' });

// ── offline analysis ───────────────────────────────────────────────────────────────────────

/** An analysis request item. */
export const analysisRequestKey = (project: string, id: string) => ({
  pk: `AREQ#${project}#${id}`,
  sk: 'AREQ',
});

/** Partition of a project's batches, newest last (batch ids start with their creation time). */
export const analysisBatchPartition = (project: string) => `ABATCH#${project}`;

/** Sort-key prefix of every batch item in {@link analysisBatchPartition}. */
export const ANALYSIS_BATCH_PREFIX = 'ABATCH#';

/** An analysis batch item. */
export const analysisBatchKey = (project: string, batchId: string) => ({
  pk: analysisBatchPartition(project),
  sk: `${ANALYSIS_BATCH_PREFIX}${batchId}`,
});

/** `byWork` partitions of batches being created and of batches in flight. */
export const BATCHES_CREATING = 'ABATCH#creating';
export const BATCHES_IN_FLIGHT = 'ABATCH#inflight';

/** Partition of a project's status counters. */
export const analysisCounterPartition = (project: string) => `ASTAT#${project}`;

/** One shard of a project's status counters. */
export const analysisCounterKey = (project: string, shard: number) => ({
  pk: analysisCounterPartition(project),
  sk: `SHARD#${shard}`,
});

/** `byWork` partition of one shard of the pending queue. */
export const pendingWorkPartition = (shard: number) => `AWORK#pending#${shard}`;

/** The pending-queue index entry of a request (its shard is stable for its id). */
export function pendingWork(id: string, createdAt: string): { workPk: string; workSk: string } {
  return { workPk: pendingWorkPartition(shardOf(id, PENDING_SHARDS)), workSk: `${createdAt}#${id}` };
}

/** `byWork` partition of the requests of one batch. */
export const batchWorkPartition = (batchId: string) => `AWORK#batch#${batchId}`;

/** The index entry of a request that belongs to a batch (claimed or in flight). */
export function batchWork(
  batchId: string,
  id: string,
  createdAt: string,
): { workPk: string; workSk: string } {
  return { workPk: batchWorkPartition(batchId), workSk: `${createdAt}#${id}` };
}

/** `byAnalysisStatus` partition of a project's requests in one status. */
export const analysisStatusPartition = (project: string, status: AnalysisStatus) =>
  `ASTATUS#${project}#${status}`;

/** The `byAnalysisStatus` entry of a request that entered `status` at `at`. */
export const analysisStatusIndexKey = (project: string, status: AnalysisStatus, at: string, id: string) => ({
  statusPk: analysisStatusPartition(project, status),
  statusSk: `${at}#${id}`,
});

// ── analytics ──────────────────────────────────────────────────────────────────────────────

/** Partition of the projects that had interactions on a UTC day. */
export const activePartition = (day: string) => `ACTIVE#${day}`;

/** A project's mark on a day's {@link activePartition}. */
export const activeKey = (day: string, project: string) => ({ pk: activePartition(day), sk: project });

/**
 * A user-chosen name as one part of a `#`-separated key: `#`, `=`, `!` and `%` percent-escaped,
 * so different names never collide.
 *
 * @example
 * escapeKeyPart('team#a'); // 'team%23a'
 */
export const escapeKeyPart = (part: string) =>
  part.replace(/[%#=!]/g, (char) => `%${char.charCodeAt(0).toString(16)}`);

/** `#TAG#<key>=<value>` (or `#TAG#<key>!` for records without the tag), escaped; '' without a tag. */
export const rollupTagSuffix = (tag: RollupTag | undefined) =>
  tag ? `#TAG#${escapeKeyPart(tag.key)}${tag.value === null ? '!' : `=${escapeKeyPart(tag.value)}`}` : '';

/** Partition of a project's rollups of one granularity, sorted by period. */
export const rollupPartition = (project: string, granularity: Granularity) =>
  `ROLLUP#${escapeKeyPart(project)}#${granularity}`;

/**
 * A rollup item: one partition per project and granularity, sorted by period, so
 * `GET /v1/rollups?from&to` is a single `BETWEEN` query on `sk`.
 *
 * @example
 * rollupItemKey({ granularity: 'day', period: '2026-11-21', project: 'acme', provider: 'openai', model: 'gpt-4o' });
 * // { pk: 'ROLLUP#acme#day', sk: '2026-11-21#openai#gpt-4o' }
 */
export function rollupItemKey(dimensions: RollupDimensions): { pk: string; sk: string } {
  const { granularity, period, project, provider, model, tag } = dimensions;
  return {
    pk: rollupPartition(project, granularity),
    sk: `${period}#${escapeKeyPart(provider)}#${escapeKeyPart(model)}${rollupTagSuffix(tag)}`,
  };
}

/**
 * The table key of a rollup at its level. Model-level rollups use {@link rollupItemKey}; totals
 * end in `!`, which never ends an escaped name, so a model called `*` cannot collide with a total.
 *
 * @example
 * storedRollupKey({ granularity: 'day', period: '2026-11-21', project: 'acme', provider: '*', model: '*' }, 'project');
 * // { pk: 'ROLLUP#acme#day', sk: '2026-11-21##!' }
 */
export function storedRollupKey(
  dimensions: RollupDimensions,
  level: RollupLevel,
): { pk: string; sk: string } {
  if (level === 'model') return rollupItemKey(dimensions);
  const base = rollupItemKey({
    granularity: dimensions.granularity,
    period: dimensions.period,
    project: dimensions.project,
    provider: level === 'provider' ? dimensions.provider : '',
    model: '',
  });
  return { pk: base.pk, sk: `${base.sk}!` };
}

/** Partition of a project's anomalies (sort keys are anomaly ids, which start with the day). */
export const anomalyPartition = (project: string) => `ANOMALY#${project}`;

/** An anomaly item. */
export const anomalyItemKey = (project: string, id: string) => ({ pk: anomalyPartition(project), sk: id });

/** Partition of a project's budget events (sort keys are event ids, which start with the month). */
export const budgetEventPartition = (project: string) => `BUDGET#${project}`;

/** A budget event item. */
export const budgetEventItemKey = (project: string, id: string) => ({
  pk: budgetEventPartition(project),
  sk: id,
});

// ── pricing: reprice runs ──────────────────────────────────────────────────────────────────

/** The persisted position of the unpriced walk in one `byUnpriced` partition. */
export const repriceCursorKey = (project: string, partition: string) => ({
  pk: `REPRICE#${project}`,
  sk: `CURSOR#${partition}`,
});

/** Partition of one day reprice run's progress items. */
export const repriceRunPartition = (runId: string) => `REPRICE#RUN#${runId}`;

/** The progress item of one slice (shard × hour block) of a day reprice run. */
export const repriceSliceSortKey = (slice: { shard: number; hour: number; hours: number }) =>
  `SLICE#${slice.shard}#${slice.hour}#${slice.hours}`;

// ── reconciliation, catalog layer, notifications ───────────────────────────────────────────

/** Partition of a project's reconciliation items. */
export const reconciliationPartition = (project: string) => `RECON#${encodeURIComponent(project)}`;

/** One day × provider × model reconciliation item. */
export const reconciliationItemKey = (
  project: string,
  item: { date: string; provider: string; model: string },
) => ({
  pk: reconciliationPartition(project),
  sk: `${item.date}#${encodeURIComponent(item.provider)}#${encodeURIComponent(item.model)}`,
});

/** Partition of the imported global catalog layer's versions. */
export const CATALOG_PARTITION = 'CATALOG#global';

/** Sort key of the pointer to the catalog layer's current version. */
export const CATALOG_CURRENT = 'CURRENT';

/** Sort key of one catalog layer version (zero-padded, so versions sort in order). */
export const catalogVersionKey = (version: number) => `VERSION#${String(version).padStart(6, '0')}`;

/** Partition of the notifications the local twin records instead of publishing. */
export const notificationPartition = (project: string) => `NOTIFICATION#${project}`;
