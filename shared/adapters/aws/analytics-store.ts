/**
 * DynamoDB adapter for rollups, anomalies, budget events and the active-project markers, all
 * in the ledger table under their own key prefixes (no new index):
 *
 * | item                 | pk                            | sk                                            |
 * | -------------------- | ----------------------------- | --------------------------------------------- |
 * | active-project mark  | `ACTIVE#<day>`                | `<project>`                                   |
 * | rollup               | `ROLLUP#<project>#<day|hour>` | `<period>#<provider>#<model>[#TAG#k=v]` (model level), `<period>#<provider>#!` (provider total), `<period>##!` (project total) |
 * | anomaly              | `ANOMALY#<project>`           | `<anomalyId>` (starts with the day: sorts by day) |
 * | budget event         | `BUDGET#<project>`            | `<budgetEventId>` (starts with the month)     |
 *
 * Every key is deterministic, so re-running a job overwrites its earlier output. Interactions
 * are read through the write-sharded `byDay` index, never a table scan.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Anomaly,
  AnomalyKind,
  BudgetCrossing,
  Granularity,
  LeveledRollup,
  Rollup,
  RollupLevel,
  RollupSourceRecord,
  RollupStatus,
} from '../../domain/analytics';
import {
  type ActivityStore,
  type AnomalyStatus,
  type AnomalyStore,
  CHANGED_MARK_INTERVAL_MS,
  type DayRecordSource,
  type RollupQuery,
  type RollupStore,
  type StoredAnomaly,
  type StoredBudgetEvent,
} from '../../domain/analytics/jobs';
import { tokenCountsOf } from '../../domain/ledger/record';
import type { NormalizedUsage } from '../../domain/normalize';
import { COST_AMOUNT_FIELDS } from '../../domain/pricing';
import {
  activeKey,
  activePartition,
  anomalyItemKey,
  anomalyPartition,
  budgetEventItemKey,
  budgetEventPartition,
  dayPartition,
  rollupPartition,
  storedRollupKey,
} from '../../domain/table/keys';
import { ledgerIndex } from '../../domain/table/layout';
import { dayIndexShards } from '../../domain/table/shards';
import { UpdateBuilder, updateInput } from '../../domain/table/update';
import { BatchWriteIncompleteError } from './analytics-errors';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';

const table = () => requireEnv(ENV.ledgerTable);
const DAY_INDEX = ledgerIndex('byDay');

type Item = Record<string, unknown>;

/** Reads every page of a query, handing each page's items to `onItems`. */
export async function queryAll(input: QueryCommandInput, onItems: (items: Item[]) => void): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    onItems(page.Items ?? []);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

// ---------------------------------------------------------------------------------------------
// Active projects

/** (project, day) pairs this container already marked: one write per warm container and day. */
const marked = new Set<string>();

/**
 * Marks a project as having interactions on the UTC day of `timestamp`, so the rollup job finds
 * it without scanning, and a past day as changed ({@link markDayChanged}). Idempotent (an UpdateItem setting constant values), and remembered per
 * warm container, so a busy project costs one extra write per container and day, not per call.
 *
 * @example
 * await markProjectActive('acme', '2026-11-21T10:00:00.000Z');
 */
export async function markProjectActive(project: string, timestamp: string, now = Date.now()): Promise<void> {
  const day = timestamp.slice(0, 10);
  // A record of a past day arrived after that day's rollup may have run: recompute it.
  if (day < new Date(now).toISOString().slice(0, 10)) await markDayChanged(project, day, now);
  const memo = `${project}\u0000${day}`;
  if (marked.has(memo)) return;
  await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: activeKey(day, project),
      ...updateInput({
        update: new UpdateBuilder().set('entity', 'active-project').set('project', project).set('day', day),
      }),
    }),
  );
  if (marked.size >= 10_000) marked.clear();
  marked.add(memo);
}

// ---------------------------------------------------------------------------------------------
// Changed days: a day before today that got a record (a late arrival) or a new price

const CHANGED_PARTITION = 'CHANGED';
const changedMarks = new Map<string, number>();

/**
 * Marks a project's day as changed after its rollup may have run: a late arrival, a completion
 * or a reprice of a past day. The next scheduled rollup recomputes every marked day, so late
 * arrivals are counted. One write per container, project and day a minute, not per record.
 *
 * @example
 * await markDayChanged('acme', '2026-11-20');
 */
export async function markDayChanged(project: string, day: string, now = Date.now()): Promise<void> {
  const memo = `${project}\u0000${day}`;
  const last = changedMarks.get(memo);
  if (last !== undefined && now - last < CHANGED_MARK_INTERVAL_MS) return;
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        pk: CHANGED_PARTITION,
        sk: `${day}#${project}`,
        entity: 'changed-day',
        project,
        day,
        lastAt: new Date(now).toISOString(),
      },
    }),
  );
  if (changedMarks.size >= 10_000) changedMarks.clear();
  changedMarks.set(memo, now);
}

/** The marked (project, day) pairs up to and including `through`, oldest first. */
export async function changedDays(through: string): Promise<{ project: string; day: string }[]> {
  const found: { project: string; day: string }[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk <= :through',
      ExpressionAttributeValues: { ':pk': CHANGED_PARTITION, ':through': `${through}#\uffff` },
    },
    (items) => {
      for (const item of items) found.push({ project: item.project as string, day: item.day as string });
    },
  );
  return found;
}

/**
 * Clears a day's mark after its rollup was rewritten, unless it was written at or after
 * `unchangedSince` (the rollup job picks it: see `CHANGED_CLEAR_MARGIN_MS`).
 */
export async function clearDayChanged(
  project: string,
  day: string,
  unchangedSince: string,
): Promise<boolean> {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: table(),
        Key: { pk: CHANGED_PARTITION, sk: `${day}#${project}` },
        ConditionExpression: 'attribute_not_exists(pk) OR lastAt < :before',
        ExpressionAttributeValues: { ':before': unchangedSince },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The projects with interactions on a UTC day.
 *
 * @example
 * await activeProjects('2026-11-21'); // ['acme', 'default']
 */
export async function activeProjects(day: string): Promise<string[]> {
  const projects: string[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': activePartition(day) },
      ProjectionExpression: 'sk',
    },
    (items) => {
      for (const item of items) projects.push(item.sk as string);
    },
  );
  return projects.sort();
}

// ---------------------------------------------------------------------------------------------
// Interactions of a day, through the sharded byDay index

const STATUSES = new Set<RollupStatus>(['success', 'error', 'abandoned', 'in_progress']);
const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/** A projected `byDay` item as a rollup source record; absent numeric fields count as 0. */
export function toRollupSource(item: Item): RollupSourceRecord {
  const cost = (item.cost ?? {}) as Record<string, unknown>;
  const status = STATUSES.has(item.status as RollupStatus) ? (item.status as RollupStatus) : 'in_progress';
  return {
    project: item.project as string,
    provider: item.provider as string,
    model: item.model as string,
    status,
    timestamp: item.timestamp as string,
    tokens: tokenCountsOf(item.usage as Partial<NormalizedUsage> | undefined),
    cost: {
      priced: cost.priced === true,
      unpricedReason: cost.unpricedReason as string | undefined,
      ...(Object.fromEntries(COST_AMOUNT_FIELDS.map((field) => [field, count(cost[field])])) as Record<
        (typeof COST_AMOUNT_FIELDS)[number],
        number
      >),
    },
    latencyMs: typeof item.latencyMs === 'number' ? item.latencyMs : undefined,
    tags: item.tags as Record<string, string> | undefined,
  };
}

/**
 * Reads every interaction of a project's UTC day from all shards of the `byDay` index (in
 * parallel), handing each page to `onPage` so a large day never sits in memory at once.
 *
 * @example
 * await forEachDayRecord('acme', '2026-11-21', (records) => accumulator.addAll(records));
 */
export async function forEachDayRecord(
  project: string,
  day: string,
  onPage: (records: RollupSourceRecord[]) => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: dayIndexShards() }, (_, shard) =>
      queryAll(
        {
          TableName: table(),
          IndexName: DAY_INDEX.indexName,
          KeyConditionExpression: 'dayPk = :pk',
          ExpressionAttributeValues: { ':pk': dayPartition(project, day, shard) },
        },
        (items) => onPage(items.map(toRollupSource)),
      ),
    ),
  );
}

/** Hours `hour` to `hour + hours - 1` of a day as a `daySk` range; the first and last hour take any stray keys too. */
export function hourRange(day: string, hour: number, hours: number): { lower: string; upper: string } {
  const hh = (value: number) => String(value).padStart(2, '0');
  const last = hour + hours - 1;
  return {
    lower: hour === 0 ? day : `${day}T${hh(hour)}`,
    upper: last >= 23 ? `${day}\uffff` : `${day}T${hh(last)}\uffff`,
  };
}

/**
 * Reads one slice of a project's day, one `byDay` shard × `hours` UTC hours from `hour`, handing
 * each page to `onPage`: the unit the rollup map sums in parallel. The slices cover the day.
 *
 * @example
 * await forEachSliceRecord('acme', '2026-11-21', 3, 14, 1, (records) => { for (const r of records) slice.add(r); });
 */
export async function forEachSliceRecord(
  project: string,
  day: string,
  shard: number,
  hour: number,
  hours: number,
  onPage: (records: RollupSourceRecord[]) => void,
): Promise<void> {
  const { lower, upper } = hourRange(day, hour, hours);
  await queryAll(
    {
      TableName: table(),
      IndexName: DAY_INDEX.indexName,
      KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :lower AND :upper',
      ExpressionAttributeValues: {
        ':pk': dayPartition(project, day, shard),
        ':lower': lower,
        ':upper': upper,
      },
    },
    (items) => onPage(items.map(toRollupSource)),
  );
}

// ---------------------------------------------------------------------------------------------
// Rollups

export { ALL, type RollupLevel } from '../../domain/analytics';
/** A rollup with its level: one model, a provider's models, or the project (see `DayRollup`). */
export type StoredRollup = LeveledRollup;

/** Sort-key range of one day's rollups in a granularity's partition. */
function daySkRange(granularity: Granularity, day: string): { lower: string; upper: string } {
  return granularity === 'day'
    ? { lower: `${day}#`, upper: `${day}#~` }
    : { lower: `${day}T00`, upper: `${day}T23~` };
}

function toRollupItem({ level, rollup }: StoredRollup, computedAt: string): Item {
  return {
    ...storedRollupKey(rollup, level),
    entity: 'rollup',
    level,
    ...rollup,
    computedAt,
  };
}

function fromRollupItem(item: Item): StoredRollup {
  const rollup: Rollup = {
    granularity: item.granularity as Granularity,
    period: item.period as string,
    project: item.project as string,
    provider: item.provider as string,
    model: item.model as string,
    ...(item.tag ? { tag: item.tag as Rollup['tag'] & object } : {}),
    count: count(item.count),
    successCount: count(item.successCount),
    errorCount: count(item.errorCount),
    abandonedCount: count(item.abandonedCount),
    inProgressCount: count(item.inProgressCount),
    unpricedCount: count(item.unpricedCount),
    tokens: item.tokens as Rollup['tokens'],
    cost: item.cost as Rollup['cost'],
    latencyMs: item.latencyMs as Rollup['latencyMs'],
  };
  return { level: (item.level as RollupLevel | undefined) ?? 'model', rollup };
}

/** Writes put/delete requests in batches of 25, retrying unprocessed ones with backoff. */
export async function batchWrite(project: string, requests: Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 25) {
    let pending = requests.slice(start, start + 25);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= 8) throw new BatchWriteIncompleteError(project, pending.length);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [table()]: pending as never } }),
      );
      pending = (result.UnprocessedItems?.[table()] ?? []) as Record<string, unknown>[];
    }
  }
}

/**
 * Replaces a project's rollups of one day (in the given granularities) with `rollups`: writes
 * each under its deterministic key and deletes the day's earlier items that are no longer
 * produced (e.g. a model renamed by a later lifecycle event). Re-runs therefore overwrite and
 * never add.
 *
 * @example
 * await replaceDayRollups('acme', '2026-11-21', ['day', 'hour'], rollups);
 */
export async function replaceDayRollups(
  project: string,
  day: string,
  granularities: readonly Granularity[],
  rollups: readonly StoredRollup[],
  computedAt = new Date().toISOString(),
): Promise<{ written: number; deleted: number }> {
  const items = rollups.map((rollup) => toRollupItem(rollup, computedAt));
  const keep = new Set(items.map((item) => `${item.pk}\u0000${item.sk}`));
  const stale: { pk: string; sk: string }[] = [];
  await forEachDayRollupItem(project, day, granularities, 'pk, sk', (item) => {
    const key = { pk: item.pk as string, sk: item.sk as string };
    if (!keep.has(`${key.pk}\u0000${key.sk}`)) stale.push(key);
  });
  await batchWrite(project, [
    ...items.map((item) => ({ PutRequest: { Item: item } })),
    ...stale.map((key) => ({ DeleteRequest: { Key: key } })),
  ]);
  return { written: items.length, deleted: stale.length };
}

/**
 * Every stored rollup of a project's day in the given granularities, at every level and tag, as
 * written (without `computedAt`): what a check compares with a recompute.
 *
 * @example
 * await readDayRollups('acme', '2026-11-21', ['day', 'hour']);
 */
export async function readDayRollups(
  project: string,
  day: string,
  granularities: readonly Granularity[],
): Promise<StoredRollup[]> {
  const found: StoredRollup[] = [];
  await forEachDayRollupItem(project, day, granularities, undefined, (item) =>
    found.push(fromRollupItem(item)),
  );
  return found;
}

/** Every stored rollup item of a project's day in the given granularities (optionally projected). */
async function forEachDayRollupItem(
  project: string,
  day: string,
  granularities: readonly Granularity[],
  projection: string | undefined,
  onItem: (item: Item) => void,
): Promise<void> {
  for (const granularity of granularities) {
    const { lower, upper } = daySkRange(granularity, day);
    await queryAll(
      {
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: {
          ':pk': rollupPartition(project, granularity),
          ':lower': lower,
          ':upper': upper,
        },
        ProjectionExpression: projection,
      },
      (items) => {
        for (const item of items) onItem(item);
      },
    );
  }
}

/**
 * A project's rollups between two days (inclusive), oldest first: one query on the
 * granularity's partition.
 *
 * @example
 * await queryRollups({ project: 'acme', granularity: 'day', from: '2026-11-01', to: '2026-11-30', level: 'model' });
 */
export async function queryRollups(query: RollupQuery): Promise<Rollup[]> {
  const level = query.level ?? 'model';
  const found: Rollup[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
      ExpressionAttributeValues: {
        ':pk': rollupPartition(query.project, query.granularity),
        ':lower': query.from,
        ':upper': `${query.to}~`,
      },
    },
    (items) => {
      for (const item of items) {
        const stored = fromRollupItem(item);
        if (stored.level !== level) continue;
        const tag = stored.rollup.tag;
        if (query.tagKey === undefined ? tag !== undefined : tag?.key !== query.tagKey) continue;
        found.push(stored.rollup);
      }
    },
  );
  return found;
}

// ---------------------------------------------------------------------------------------------
// Anomalies

/**
 * Writes a detected anomaly under its deterministic id. A re-run updates the measured values
 * but never the triage state: a resolved anomaly stays resolved. Returns whether it is new,
 * its status, and whether its notification already went out.
 *
 * @example
 * const { created, status, notified } = await upsertAnomaly(detected);
 */
export async function upsertAnomaly(
  anomaly: Anomaly,
  now = new Date().toISOString(),
): Promise<{ created: boolean; status: AnomalyStatus; notified: boolean }> {
  const fields: Record<string, unknown> = {
    entity: 'anomaly',
    id: anomaly.id,
    kind: anomaly.kind,
    period: anomaly.period,
    project: anomaly.project,
    provider: anomaly.provider,
    model: anomaly.model,
    value: anomaly.value,
    baseline: anomaly.baseline,
    factor: anomaly.factor,
    zScore: anomaly.zScore,
    message: anomaly.message,
    details: anomaly.details,
    updatedAt: now,
  };
  const update = new UpdateBuilder().setIfAbsent('status', 'open').setIfAbsent('detectedAt', now);
  for (const [name, value] of Object.entries(fields)) update.set(name, value);
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: anomalyItemKey(anomaly.project, anomaly.id),
      ...updateInput({ update }),
      ReturnValues: 'ALL_OLD',
    }),
  );
  const old = result.Attributes as StoredAnomaly | undefined;
  return { created: !old, status: old?.status ?? 'open', notified: old?.notifiedAt !== undefined };
}

/** Records that an anomaly's or a budget event's notification went out (once). */
async function markNotified(key: { pk: string; sk: string }, now: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        ...updateInput({
          update: new UpdateBuilder().set('notifiedAt', now),
          condition: { exists: ['pk'], absent: ['notifiedAt'] },
        }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Marks an anomaly notified.
 *
 * @example
 * await markAnomalyNotified('acme', anomaly.id);
 */
export const markAnomalyNotified = (project: string, id: string, now = new Date().toISOString()) =>
  markNotified(anomalyItemKey(project, id), now);

/**
 * One anomaly of a project, or undefined.
 *
 * @example
 * await getAnomaly('acme', '2026-11-21-high_cost-…');
 */
export async function getAnomaly(project: string, id: string): Promise<StoredAnomaly | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: anomalyItemKey(project, id) }),
  );
  return Item as StoredAnomaly | undefined;
}

/**
 * Sets an anomaly's triage status (and note); undefined when the anomaly does not exist.
 *
 * @example
 * await setAnomalyStatus('acme', id, 'resolved', 'expected: load test');
 */
export async function setAnomalyStatus(
  project: string,
  id: string,
  status: AnomalyStatus,
  note: string | undefined,
  now = new Date().toISOString(),
): Promise<StoredAnomaly | undefined> {
  const update = new UpdateBuilder().set('status', status).set('updatedAt', now).set('note', note);
  if (status === 'resolved') update.set('resolvedAt', now);
  else update.remove('resolvedAt');
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: anomalyItemKey(project, id),
        ...updateInput({ update, condition: { exists: ['pk'] } }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as StoredAnomaly;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

export interface AnomalyListQuery {
  project: string;
  status?: AnomalyStatus;
  kind?: AnomalyKind;
  /** First day, inclusive. */
  from?: string;
  /** Last day, inclusive. */
  to?: string;
  limit: number;
  /** Id of the last anomaly of the previous page. */
  after?: string;
}

/**
 * A project's anomalies, newest day first, filtered by status and kind, one page at a time.
 * `nextAfter` is the id to continue after, absent on the last page.
 *
 * @example
 * const page = await listAnomalies({ project: 'acme', status: 'open', limit: 50 });
 */
export async function listAnomalies(
  query: AnomalyListQuery,
): Promise<{ items: StoredAnomaly[]; nextAfter?: string }> {
  const pk = anomalyPartition(query.project);
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':pk': pk,
    ':lower': query.from ?? '0',
    ':upper': `${query.to ?? '9'}~`,
  };
  if (query.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.kind) {
    filters.push('#kind = :kind');
    names['#kind'] = 'kind';
    values[':kind'] = query.kind;
  }
  const items: StoredAnomaly[] = [];
  let startKey: Record<string, unknown> | undefined = query.after ? { pk, sk: query.after } : undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: filters.length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: Math.min(100, query.limit + 1),
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as StoredAnomaly[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length <= query.limit);
  const pageItems = items.slice(0, query.limit);
  const more = items.length > query.limit;
  return { items: pageItems, nextAfter: more ? pageItems[pageItems.length - 1]!.id : undefined };
}

// ---------------------------------------------------------------------------------------------
// Budget events

/**
 * Records a budget crossing under its deterministic id with a conditional write
 * (`attribute_not_exists`), so each threshold is raised once per project and month.
 * `created` is false when it was raised before; `notified` tells whether its notification
 * already went out (a crash between the write and the publish is retried by the next run).
 *
 * @example
 * const { created, notified } = await recordBudgetEvent('acme', budgetEventId('acme', '2026-11', 'warning'), crossing);
 */
export async function recordBudgetEvent(
  project: string,
  id: string,
  crossing: BudgetCrossing,
  now = new Date().toISOString(),
): Promise<{ created: boolean; notified: boolean }> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...budgetEventItemKey(project, id),
          entity: 'budget-event',
          id,
          project,
          ...crossing,
          raisedAt: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { created: true, notified: false };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item ? unmarshall(error.Item) : undefined;
    return { created: false, notified: old?.notifiedAt !== undefined };
  }
}

/**
 * Marks a budget event notified.
 *
 * @example
 * await markBudgetEventNotified('acme', id);
 */
export const markBudgetEventNotified = (project: string, id: string, now = new Date().toISOString()) =>
  markNotified(budgetEventItemKey(project, id), now);

/**
 * The budget events raised for a project in a month (`YYYY-MM`).
 *
 * @example
 * await listBudgetEvents('acme', '2026-11'); // [{ threshold: 'warning', ... }]
 */
export async function listBudgetEvents(project: string, month: string): Promise<StoredBudgetEvent[]> {
  const events: StoredBudgetEvent[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :month)',
      ExpressionAttributeValues: { ':pk': budgetEventPartition(project), ':month': `${month}-` },
    },
    (items) => events.push(...(items as unknown as StoredBudgetEvent[])),
  );
  return events;
}

// ---------------------------------------------------------------------------------------------
// The analytics jobs' ports, implemented by the functions above

export type {
  AnomalyStatus,
  RollupQuery,
  StoredAnomaly,
  StoredBudgetEvent,
} from '../../domain/analytics/jobs';

/** The sharded `byDay` index as the rollup job's record source. */
export const dynamoDayRecords: DayRecordSource = {
  forEachSliceRecord: (slice, onPage) =>
    forEachSliceRecord(slice.project, slice.date, slice.shard, slice.hour, slice.hours, onPage),
  forEachDayRecord,
};

/** Active-project and changed-day marks. */
export const dynamoActivity: ActivityStore = { activeProjects, changedDays, clearDayChanged };

/** Rollup items. */
export const dynamoRollups: RollupStore = { queryRollups, replaceDayRollups };

/** Anomaly items. */
export const dynamoAnomalies: AnomalyStore = { upsertAnomaly, markAnomalyNotified };
