/**
 * DynamoDB adapter for offline analysis: analysis requests, batches and status counters, all in
 * the ledger table.
 *
 * Items:
 * - request `AREQ#<project>#<requestId>` / `AREQ`: status, attempts, result, cost, error.
 * - batch `ABATCH#<project>` / `ABATCH#<batchId>`: one per OpenAI batch, newest last in the
 *   project's partition (batch ids start with their creation time), so listing is a Query.
 * - counters `ASTAT#<project>` / `SHARD#<n>`: request counts by status.
 *
 * Work queues are the sparse `byWork` index (no scans): pending requests under
 * `AWORK#pending#<shard>` (sharded so a busy queue never becomes one hot index partition),
 * requests of a batch under `AWORK#batch#<batchId>`, batches being created under
 * `ABATCH#creating` and batches in flight under `ABATCH#inflight`.
 *
 * Status counts are counter items, changed in the same DynamoDB transaction as the status
 * transitions they count: the summary is one Query of a few tiny items whatever the volume, where
 * a `Select: COUNT` over a status index would read (and pay for) every request each time. Each
 * write picks a random counter shard (only the sum matters), so concurrent transactions rarely
 * touch the same counter item. Transactions hold at most 100 items: up to 99 requests plus one
 * counter, each chunk idempotent on its own through its conditions.
 */
import { randomInt } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ANALYSIS_STATUSES, type AnalysisKind, type AnalysisStatus } from '../../domain/batch-analysis';
import type {
  AnalysisBatchItem,
  AnalysisBatchStore,
  AnalysisFailure,
  AnalysisRequestItem,
  AnalysisRequestStore,
  BatchChange,
  NewAnalysisRequest,
  RequestQueue,
  RequestTransition,
  WorkRow,
} from '../../domain/batch-analysis/jobs';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  isKeyOf,
  pageCursor,
} from '../../domain/table/cursor';
import {
  ANALYSIS_BATCH_PREFIX,
  analysisBatchKey,
  analysisBatchPartition,
  analysisCounterKey,
  analysisCounterPartition,
  analysisRequestKey,
  analysisStatusIndexKey,
  analysisStatusPartition,
  BATCHES_CREATING,
  BATCHES_IN_FLIGHT,
  batchWork,
  batchWorkPartition,
  interactionKey,
  pendingWork,
  pendingWorkPartition,
} from '../../domain/table/keys';
import { ledgerIndex } from '../../domain/table/layout';
import { COUNTER_SHARDS, PENDING_SHARDS } from '../../domain/table/shards';
import { type Condition, UpdateBuilder, updateInput } from '../../domain/table/update';
import { AnalysisWriteConflictError } from './analysis-errors';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';

const table = () => requireEnv(ENV.ledgerTable);
const WORK_INDEX = ledgerIndex('byWork').indexName;
const STATUS_INDEX = ledgerIndex('byAnalysisStatus').indexName;

/** Most request transitions per transaction (plus one counter item: DynamoDB's limit of 100). */
export const MAX_TRANSITIONS_PER_TRANSACTION = 99;

/** The index entry of a request in `queue`; `null` takes it out of every queue. */
function workEntry(id: string, queue: RequestQueue): { workPk: string; workSk: string } | null {
  if (queue.queue === 'none') return null;
  if (queue.queue === 'pending') return pendingWork(id, queue.createdAt);
  return batchWork(queue.batchId, id, queue.createdAt);
}

// ── requests ───────────────────────────────────────────────────────────────

/**
 * Creates a `pending_batching` request and counts it, in one transaction; a request that
 * already exists (a re-delivered interaction) is left alone.
 *
 * @example
 * await createAnalysisRequest({ id: analysisRequestId(p, i), project: p, interactionId: i, model: 'gpt-4o-mini',
 *   analyses: ['summary'], maxInputChars: 32_000, createdAt: new Date().toISOString() });
 */
export async function createAnalysisRequest(request: NewAnalysisRequest): Promise<'created' | 'exists'> {
  const item: AnalysisRequestItem & Record<string, unknown> = {
    ...analysisRequestKey(request.project, request.id),
    entity: 'analysis-request',
    ...request,
    status: 'pending_batching',
    attempts: 0,
    updatedAt: request.createdAt,
    ...pendingWork(request.id, request.createdAt),
    ...analysisStatusIndexKey(request.project, 'pending_batching', request.createdAt, request.id),
  };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          counterUpdate(request.project, { pending_batching: 1 }),
        ],
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof TransactionCanceledException && reasonCodes(error)[0] === 'ConditionalCheckFailed')
      return 'exists';
    throw error;
  }
}

/** One request, or undefined. */
export async function getAnalysisRequest(
  project: string,
  id: string,
): Promise<AnalysisRequestItem | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: analysisRequestKey(project, id), ConsistentRead: true }),
  );
  return Item as AnalysisRequestItem | undefined;
}

/** Requests by id (missing ones are left out), 100 per BatchGet, unprocessed keys retried. */
export async function getAnalysisRequests(
  project: string,
  ids: readonly string[],
): Promise<AnalysisRequestItem[]> {
  const items: AnalysisRequestItem[] = [];
  const unique = [...new Set(ids)];
  for (let offset = 0; offset < unique.length; offset += 100) {
    let keys: Record<string, unknown>[] | undefined = unique
      .slice(offset, offset + 100)
      .map((id) => analysisRequestKey(project, id));
    for (let round = 0; keys && keys.length > 0; round += 1) {
      if (round > 0) await backoff(round);
      const result: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }),
      );
      items.push(...((result.Responses?.[table()] ?? []) as AnalysisRequestItem[]));
      keys = result.UnprocessedKeys?.[table()]?.Keys;
    }
  }
  return items;
}

/**
 * Pending requests of every project, oldest first within each shard, up to `limit` in all.
 *
 * @example
 * const pending = await queryPendingRequests(100_000);
 */
export async function queryPendingRequests(limit: number): Promise<WorkRow[]> {
  const rows: Record<string, unknown>[] = [];
  for (let shard = 0; shard < PENDING_SHARDS && rows.length < limit; shard += 1) {
    rows.push(...(await queryWork(pendingWorkPartition(shard), limit - rows.length)));
  }
  return rows.map(normalizeRow);
}

/** Requests of one batch (claimed or in flight). */
export async function queryBatchRequests(batchId: string): Promise<WorkRow[]> {
  return (await queryWork(batchWorkPartition(batchId), Number.POSITIVE_INFINITY)).map(normalizeRow);
}

/**
 * Claims a pending request for a batch that is being created: it leaves the pending queue for the
 * batch's queue but stays `pending_batching` (so nothing is counted twice). Idempotent; false
 * when the request is no longer pending or another batch claimed it.
 */
export async function claimAnalysisRequest(row: WorkRow, batchId: string, now: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: analysisRequestKey(row.project, row.id),
        UpdateExpression: 'SET claimBatchId = :batch, workPk = :workPk, workSk = :workSk, updatedAt = :now',
        ConditionExpression:
          '#status = :pending AND (attribute_not_exists(claimBatchId) OR claimBatchId = :batch)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':batch': batchId,
          ':pending': 'pending_batching',
          ':now': now,
          ...prefixed(batchWork(batchId, row.id, row.createdAt)),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Applies transitions of one project's requests in transactions of up to 99 requests plus the
 * status counter. A transition whose condition no longer holds (already applied by an earlier
 * run, or the request moved on) is skipped and the rest of its chunk retried, so each chunk is
 * idempotent on its own. Returns the ids applied now.
 *
 * @example
 * const applied = await applyTransitions('default', [{ id, from: { status: 'processing_failed' },
 *   to: 'pending_batching', set: { attempts: 0 }, queue: { queue: 'pending', createdAt } }]);
 */
export async function applyTransitions(
  project: string,
  transitions: readonly RequestTransition[],
  options: { now?: string; chunkSize?: number; afterChunk?: (applied: number) => void } = {},
): Promise<Set<string>> {
  const now = options.now ?? new Date().toISOString();
  const size = Math.max(
    1,
    Math.min(MAX_TRANSITIONS_PER_TRANSACTION, options.chunkSize ?? MAX_TRANSITIONS_PER_TRANSACTION),
  );
  const applied = new Set<string>();
  for (let offset = 0; offset < transitions.length; offset += size) {
    let chunk = transitions.slice(offset, offset + size);
    for (let round = 0; chunk.length > 0; round += 1) {
      const deltas: Partial<Record<AnalysisStatus, number>> = {};
      for (const transition of chunk) {
        if (transition.from.status === transition.to) continue;
        deltas[transition.from.status] = (deltas[transition.from.status] ?? 0) - 1;
        deltas[transition.to] = (deltas[transition.to] ?? 0) + 1;
      }
      const counter = Object.values(deltas).some((delta) => delta !== 0)
        ? [counterUpdate(project, deltas)]
        : [];
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              ...chunk.map((transition) => ({ Update: transitionUpdate(project, transition, now) })),
              ...counter,
            ],
          }),
        );
        for (const transition of chunk) applied.add(transition.id);
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = reasonCodes(error);
        const failed = new Set(
          chunk.filter((_, index) => codes[index] === 'ConditionalCheckFailed').map((t) => t.id),
        );
        if (failed.size > 0) {
          chunk = chunk.filter((transition) => !failed.has(transition.id));
          continue;
        }
        if (round >= 8) throw new AnalysisWriteConflictError(project, chunk.length);
        await backoff(round + 1);
      }
    }
    options.afterChunk?.(applied.size);
  }
  return applied;
}

function transitionUpdate(project: string, transition: RequestTransition, now: string) {
  const sets: Record<string, unknown> = { status: transition.to, updatedAt: now };
  if (transition.from.status !== transition.to) {
    Object.assign(sets, analysisStatusIndexKey(project, transition.to, now, transition.id));
  }
  Object.assign(sets, transition.set);
  const removes = new Set(transition.remove ?? []);
  const work = transition.queue ? workEntry(transition.id, transition.queue) : undefined;
  if (work === null) {
    removes.add('workPk');
    removes.add('workSk');
  } else if (work) {
    Object.assign(sets, work);
  }
  const update = new UpdateBuilder();
  for (const [attribute, value] of Object.entries(sets)) update.set(attribute, value);
  // An attribute the transition sets is never also removed.
  for (const attribute of removes) if (sets[attribute] === undefined) update.remove(attribute);
  if (transition.addCostNanos !== undefined && transition.addCostNanos !== 0) {
    update.add('costNanos', transition.addCostNanos);
  }
  const { batchId, claimBatchId } = transition.from;
  const condition: Condition = {
    equals: {
      status: transition.from.status,
      ...(batchId !== undefined ? { batchId } : {}),
      ...(claimBatchId !== undefined && claimBatchId !== null ? { claimBatchId } : {}),
    },
    ...(claimBatchId === null ? { absent: ['claimBatchId'] } : {}),
  };
  return {
    TableName: table(),
    Key: analysisRequestKey(project, transition.id),
    ...updateInput({ update, condition }),
  };
}

function counterUpdate(project: string, deltas: Partial<Record<AnalysisStatus, number>>) {
  const update = new UpdateBuilder().set('entity', 'analysis-counter').set('project', project);
  for (const [status, delta] of Object.entries(deltas)) if (delta !== 0) update.add(status, delta);
  return {
    Update: {
      TableName: table(),
      Key: analysisCounterKey(project, randomInt(COUNTER_SHARDS)),
      ...updateInput({ update }),
    },
  };
}

/**
 * Request counts by status for a project: the sum of its counter shards (one Query).
 *
 * @example
 * await analysisSummary('default'); // { pending_batching: 2, batching_in_progress: 0, ... }
 */
export async function analysisSummary(project: string): Promise<Record<AnalysisStatus, number>> {
  const summary = Object.fromEntries(ANALYSIS_STATUSES.map((status) => [status, 0])) as Record<
    AnalysisStatus,
    number
  >;
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': analysisCounterPartition(project) },
      ConsistentRead: true,
    }),
  );
  for (const item of Items ?? []) {
    for (const status of ANALYSIS_STATUSES) summary[status] += Number(item[status] ?? 0);
  }
  return summary;
}

export interface RequestPage {
  requests: Pick<
    AnalysisRequestItem,
    'id' | 'interactionId' | 'status' | 'attempts' | 'failedAt' | 'error'
  >[];
  nextCursor?: string;
}

/**
 * Requests of a project by status (or of every status, in status order), oldest first by the
 * time they entered it, with an opaque cursor.
 *
 * @example
 * const page = await listAnalysisRequests('default', { status: 'processing_failed', limit: 50 });
 */
export async function listAnalysisRequests(
  project: string,
  query: { status?: AnalysisStatus; limit: number; cursor?: string },
): Promise<RequestPage> {
  const statuses = query.status ? [query.status] : [...ANALYSIS_STATUSES];
  const cursor = query.cursor ? decodeCursor(query.cursor, 'requests', pageCursor) : undefined;
  // A cursor only ever resumes inside the partition of this project and filter it came from.
  if (
    cursor &&
    (cursor.s >= statuses.length ||
      (cursor.k &&
        !isKeyOf(cursor.k, ['pk', 'sk', 'statusPk', 'statusSk'], {
          statusPk: analysisStatusPartition(project, statuses[cursor.s]!),
        })))
  )
    throw new InvalidCursorError('requests');
  let statusIndexPosition = cursor?.s ?? 0;
  let startKey = cursor?.k;
  const requests: RequestPage['requests'] = [];
  while (statusIndexPosition < statuses.length && requests.length < query.limit) {
    const status = statuses[statusIndexPosition]!;
    const result = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'statusPk = :pk',
        ExpressionAttributeValues: { ':pk': analysisStatusPartition(project, status) },
        Limit: query.limit - requests.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) {
      // The index is eventually consistent: skip an entry whose item already moved on.
      if (item.status !== status) continue;
      requests.push({
        id: item.id as string,
        interactionId: item.interactionId as string,
        status: item.status as AnalysisStatus,
        attempts: Number(item.attempts ?? 0),
        ...(item.failedAt ? { failedAt: item.failedAt as string } : {}),
        ...(item.error ? { error: item.error as AnalysisFailure } : {}),
      });
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) statusIndexPosition += 1;
  }
  const more = statusIndexPosition < statuses.length;
  return more
    ? { requests, nextCursor: encodeCursor({ s: statusIndexPosition, k: startKey }) }
    : { requests };
}

/**
 * Shows an analysis on its interaction (`GET /v1/interactions/{id}` → `analysis`). Never
 * creates an interaction item: a missing interaction is skipped.
 */
export async function surfaceAnalysis(
  project: string,
  interactionId: string,
  analysis: Record<string, unknown>,
): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: interactionKey(project, interactionId),
        UpdateExpression: 'SET #analysis = :analysis',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#analysis': 'analysis' },
        ExpressionAttributeValues: { ':analysis': analysis },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

// ── batches ────────────────────────────────────────────────────────────────

/**
 * Writes the intent of a batch before anything is claimed or uploaded: the item a re-run finds
 * (in `ABATCH#creating`) to finish or abandon what a crashed run started.
 */
export async function putBatchIntent(batch: AnalysisBatchItem): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...analysisBatchKey(batch.project, batch.id),
        ...batch,
        workPk: BATCHES_CREATING,
        workSk: `${batch.createdAt}#${batch.project}#${batch.id}`,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getAnalysisBatch(
  project: string,
  batchId: string,
): Promise<AnalysisBatchItem | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: analysisBatchKey(project, batchId), ConsistentRead: true }),
  );
  return Item as AnalysisBatchItem | undefined;
}

/**
 * Updates a batch item; with `onlyIf`, only when those attributes still have those values
 * (`null`: absent). Returns false when the condition failed.
 */
export async function updateAnalysisBatch(
  project: string,
  batchId: string,
  change: BatchChange & { add?: Record<string, number> },
  onlyIf: Record<string, unknown> = {},
): Promise<boolean> {
  // The batch queues are the work index: in flight under one partition, out of it when done.
  const queueSet = change.queue === 'in_flight' ? { workPk: BATCHES_IN_FLIGHT } : {};
  const queueRemove = change.queue === 'none' ? ['workPk', 'workSk'] : [];
  const update = new UpdateBuilder();
  for (const [attribute, value] of Object.entries({ ...change.set, ...queueSet }))
    update.set(attribute, value);
  for (const attribute of [...(change.remove ?? []), ...queueRemove]) update.remove(attribute);
  for (const [attribute, delta] of Object.entries(change.add ?? {})) update.add(attribute, delta);
  const condition: Condition = {
    exists: ['pk'],
    absent: Object.keys(onlyIf).filter((attribute) => onlyIf[attribute] === null),
    equals: Object.fromEntries(Object.entries(onlyIf).filter(([, value]) => value !== null)),
  };
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: analysisBatchKey(project, batchId),
        ...updateInput({ update, condition }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Takes the batch's lease so two overlapping runs never work on it at once. A lease that ran out
 * (its run crashed or timed out) can be taken over.
 */
export async function acquireBatchLease(
  project: string,
  batchId: string,
  owner: string,
  nowMs: number,
  leaseMs: number,
): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: analysisBatchKey(project, batchId),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now OR leaseOwner = :owner)',
        ExpressionAttributeValues: { ':owner': owner, ':until': nowMs + leaseMs, ':now': nowMs },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Batches being created (`creating`) or in flight (`inflight`), oldest first: `{project, id}`. */
export async function queryOpenBatches(
  which: 'creating' | 'inflight',
): Promise<{ project: string; id: string }[]> {
  const rows = await queryWork(
    which === 'creating' ? BATCHES_CREATING : BATCHES_IN_FLIGHT,
    Number.POSITIVE_INFINITY,
  );
  return rows.map((row) => ({ project: row.project as string, id: row.id as string }));
}

/**
 * A project's batches, newest first, with an opaque cursor.
 *
 * @example
 * const { batches, nextCursor } = await listAnalysisBatches('default', { limit: 20 });
 */
export async function listAnalysisBatches(
  project: string,
  query: { limit: number; cursor?: string },
): Promise<{ batches: AnalysisBatchItem[]; nextCursor?: string }> {
  const cursor = query.cursor ? decodeCursor(query.cursor, 'batches', pageCursor) : undefined;
  if (cursor?.k && !isKeyOf(cursor.k, ['pk', 'sk'], { pk: analysisBatchPartition(project) }))
    throw new InvalidCursorError('batches');
  const result = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': analysisBatchPartition(project), ':prefix': ANALYSIS_BATCH_PREFIX },
      ScanIndexForward: false,
      Limit: query.limit,
      ...(cursor?.k ? { ExclusiveStartKey: cursor.k } : {}),
    }),
  );
  return {
    batches: (result.Items ?? []) as AnalysisBatchItem[],
    ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor({ s: 0, k: result.LastEvaluatedKey }) } : {}),
  };
}

// ── helpers ────────────────────────────────────────────────────────────────

async function queryWork(workPk: string, limit: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: table(),
      IndexName: WORK_INDEX,
      KeyConditionExpression: 'workPk = :pk',
      ExpressionAttributeValues: { ':pk': workPk },
      ...(Number.isFinite(limit) ? { Limit: Math.min(1000, limit - rows.length) } : {}),
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const result = await dynamo().send(new QueryCommand(input));
    rows.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && rows.length < limit);
  return rows;
}

function normalizeRow(row: Record<string, unknown>): WorkRow {
  return {
    id: row.id as string,
    project: row.project as string,
    model: row.model as string,
    interactionId: row.interactionId as string,
    createdAt: row.createdAt as string,
    status: row.status as AnalysisStatus,
    analyses: (row.analyses as AnalysisKind[] | undefined) ?? [],
    maxInputChars: Number(row.maxInputChars ?? 0),
  };
}

function reasonCodes(error: TransactionCanceledException): (string | undefined)[] {
  return (error.CancellationReasons ?? []).map((reason) => reason.Code);
}

function prefixed(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`:${key}`, value]));
}

async function backoff(round: number): Promise<void> {
  const ms = Math.min(1000, 20 * 2 ** round) * (0.5 + Math.random() / 2);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

// ── ports ──────────────────────────────────────────────────────────────────

/** The analysis jobs' request store on the ledger table. */
export const analysisRequestStore: AnalysisRequestStore = {
  createRequest: createAnalysisRequest,
  getRequests: getAnalysisRequests,
  pendingRequests: queryPendingRequests,
  batchRequests: queryBatchRequests,
  claimRequest: claimAnalysisRequest,
  applyTransitions,
};

/** The analysis jobs' batch store on the ledger table. */
export const analysisBatchStore: AnalysisBatchStore = {
  putBatchIntent,
  getBatch: getAnalysisBatch,
  updateBatch: updateAnalysisBatch,
  acquireBatchLease,
  openBatches: queryOpenBatches,
};
