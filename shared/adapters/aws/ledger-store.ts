import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  abandonWrite,
  type EventParts,
  type MergeResult,
  payloadsToStore,
  planMerge,
  type SaveOutcome,
  settleMerge,
} from '../../domain/ledger/merge';
import { payloadObjectKey } from '../../domain/ledger/objects';
import {
  compressForBucket,
  decompressPayload,
  INLINE_PAYLOAD_LIMIT_BYTES,
  type InteractionPayload,
  inlinePart,
  type PayloadPart,
  type StoredInteraction,
  withContent,
} from '../../domain/ledger/record';
import type { PreparedInteraction } from '../../domain/pipeline/prepare';
import { afterCursor, decodeCursor, encodeCursor } from '../../domain/table/cursor';
import {
  dayPartition,
  INTERACTION_SK,
  idOfDaySortKey,
  interactionKey,
  openPartition,
  sessionIndexKey,
} from '../../domain/table/keys';
import { type IndexDefinition, ledgerIndex } from '../../domain/table/layout';
import { dayIndexShards, workIndexShards } from '../../domain/table/shards';
import { type PlannedWrite, updateInput } from '../../domain/table/update';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { deleteObject, getPayloadObject, putPayloadObject } from './payload-store';

const table = () => requireEnv(ENV.ledgerTable);
const SESSION_INDEX = ledgerIndex('bySession');
const DAY_INDEX = ledgerIndex('byDay');
const OPEN_INDEX = ledgerIndex('byOpen');

/** Writes a payload part: over 64 KB to the payload bucket (before the item points at it), else inline. */
async function storePart(
  project: string,
  id: string,
  side: 'request' | 'response' | 'content',
  json: string | undefined,
): Promise<PayloadPart | undefined> {
  if (json === undefined) return undefined;
  const bytes = Buffer.byteLength(json);
  if (bytes <= INLINE_PAYLOAD_LIMIT_BYTES) return inlinePart(json);
  const data = compressForBucket(json);
  const key = payloadObjectKey(project, `${id}/${side}`, data);
  await putPayloadObject(key, data);
  return { store: 's3', key, bytes };
}

/**
 * Merges one lifecycle event into the interaction's single record, exactly once: executes the
 * plan of shared/domain/ledger/merge.ts (its rules are there), conditional updates without a read.
 * Payload parts over 64 KB are written to the payload bucket before the item points at them.
 *
 * @example
 * const outcome = await saveInteraction(prepareInteraction(envelope, context));
 */
export async function saveInteraction(prepared: PreparedInteraction): Promise<SaveOutcome> {
  const { project, id } = prepared.record;
  const payloads = payloadsToStore(prepared);
  const parts: EventParts = {
    requestPart: await storePart(project, id, 'request', payloads.request),
    responsePart: await storePart(project, id, 'response', payloads.response),
    contentPart: await storePart(project, id, 'content', payloads.content),
  };
  const key = interactionKey(project, id);
  const plan = planMerge(prepared, parts);
  let result = await execute(key, plan.write);
  if (!result.applied && plan.fallback) result = await execute(key, plan.fallback);
  const settled = settleMerge(prepared, parts, result);
  for (const objectKey of settled.unreferencedObjects) await deleteObject(objectKey);
  // A failed condition means another event stored the latency (or changed a time) meanwhile.
  if (settled.latency) await execute(key, settled.latency);
  return settled.outcome;
}

/** Executes one planned write, returning the item as it was before (also when the condition failed). */
async function execute(key: Record<string, string>, write: PlannedWrite): Promise<MergeResult> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        ...updateInput(write),
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { applied: true, old: result.Attributes };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { applied: false, old: error.Item ? unmarshall(error.Item) : undefined };
  }
}

async function readPart(part: PayloadPart | undefined): Promise<Record<string, unknown>> {
  if (!part) return {};
  if (part.store === 's3' && part.key)
    return JSON.parse(await getPayloadObject(part.key)) as Record<string, unknown>;
  return part.data ? (JSON.parse(decompressPayload(part.data)) as Record<string, unknown>) : {};
}

/** One interaction with its redacted payload (parts read from S3 when offloaded). */
export async function getInteraction(
  project: string,
  id: string,
): Promise<{ record: StoredInteraction; payload: InteractionPayload } | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: interactionKey(project, id) }),
  );
  if (!Item) return undefined;
  const record = Item as StoredInteraction;
  const [request, response, content] = await Promise.all([
    readPart(record.requestPart),
    readPart(record.responsePart),
    readPart(record.contentPart),
  ]);
  return { record, payload: withContent({ ...request, ...response } as InteractionPayload, content) };
}

export interface ListQuery {
  project: string;
  sessionId?: string;
  from?: string;
  to?: string;
  model?: string;
  status?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

/** Summary fields returned by list queries (no payloads). */
const SUMMARY_ATTRIBUTES = [
  'id',
  'project',
  'provider',
  'model',
  'status',
  'timestamp',
  'receivedAt',
  'latencyMs',
  'usage',
  'cost',
  'sessionId',
  'requestRedactions',
  'responseRedactions',
  'tags',
  'startedAt',
  'endedAt',
  'completedAt',
];

/** A sort key of the index pages are read from: `<ISO timestamp>#<id>`. */
const INTERACTIONS_CURSOR = afterCursor(/^\d{4}-\d{2}-\d{2}T[^#]*#./);

/**
 * Lists interactions in time order, by session (the `bySession` index) or by time range
 * (the sharded `byDay` index: every shard of every day in range, merged). The cursor is the
 * sort key of the last item returned, so pages are stable under concurrent writes.
 */
export async function listInteractions(
  query: ListQuery,
): Promise<{ items: StoredInteraction[]; nextCursor?: string }> {
  const after =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, 'interactions', INTERACTIONS_CURSOR).after;
  // ' ' sorts before any ISO timestamp; DynamoDB rejects empty strings in key conditions.
  const lower = after ?? query.from ?? ' ';
  // Half-open range [from, to): a key is `<timestamp>#<id>`, so one at exactly `to` sorts after it.
  const upper = query.to ?? '\uffff';
  const { keys, resumeDay } = query.sessionId
    ? { keys: await querySession(query, lower, upper, after !== undefined), resumeDay: undefined }
    : await queryDays(query, lower, upper, after !== undefined);
  const page = keys.slice(0, query.limit);
  const items = await batchGetSummaries(page.map((key) => key.pk));
  const byPk = new Map(items.map((item) => [item.pk as string, item]));
  const ordered = page
    .map((key) => byPk.get(key.pk))
    .filter((item): item is Record<string, unknown> => !!item);
  const filtered = ordered.filter(
    (item) => (!query.model || item.model === query.model) && (!query.status || item.status === query.status),
  );
  return {
    items: filtered as unknown as StoredInteraction[],
    nextCursor:
      keys.length > query.limit
        ? encodeCursor({ after: page[page.length - 1]!.sk })
        : resumeDay !== undefined
          ? // Sorts before every key of `resumeDay` ('!' < '0') and after every earlier one.
            encodeCursor({ after: `${resumeDay}T!#!` })
          : undefined,
  };
}

interface IndexKey {
  pk: string;
  sk: string;
}

/** A range of one index partition: `[lower, upper]`, or `(lower, upper]` when `exclusive`. */
interface IndexRange {
  index: IndexDefinition;
  partition: string;
  lower: string;
  upper: string;
  exclusive: boolean;
  /** Stop once more than this many keys were found (pages are read whole). */
  limit: number;
}

/** Interaction keys of one index partition within a sort-key range, in order. */
async function queryIndexKeys(range: IndexRange): Promise<IndexKey[]> {
  const { index, partition, lower, upper, exclusive, limit } = range;
  const pkName = index.partitionKey.name;
  const skName = index.sortKey!.name;
  const keys: IndexKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: index.indexName,
        KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :lower AND :upper`,
        ExpressionAttributeValues: { ':pk': partition, ':lower': lower, ':upper': upper },
        ProjectionExpression: `pk, ${skName}`,
        Limit: Math.min(limit + 1, 1000),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = item[skName] as string;
      if (exclusive && sk === lower) continue;
      keys.push({ pk: item.pk as string, sk });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && keys.length <= limit);
  return keys;
}

function querySession(
  query: ListQuery,
  lower: string,
  upper: string,
  exclusive: boolean,
): Promise<IndexKey[]> {
  const partition = sessionIndexKey(query.project, query.sessionId!).sessionPk;
  return queryIndexKeys({ index: SESSION_INDEX, partition, lower, upper, exclusive, limit: query.limit });
}

/** Days of the day index one list request reads at most; a longer range continues on the next page. */
export const MAX_DAYS_PER_LIST_PAGE = 31;

/**
 * Keys of `[lower, upper]` day by day (every shard of a day at once), until more than a page is
 * found or {@link MAX_DAYS_PER_LIST_PAGE} days were read; then `resumeDay` is the first day not read.
 */
async function queryDays(
  query: ListQuery,
  lower: string,
  upper: string,
  exclusive: boolean,
): Promise<{ keys: IndexKey[]; resumeDay?: string }> {
  const firstDay = (lower.trim() || new Date(Date.now() - 86_400_000).toISOString()).slice(0, 10);
  const lastDay = (query.to ?? new Date().toISOString()).slice(0, 10);
  const keys: IndexKey[] = [];
  let day = firstDay;
  for (let read = 0; day <= lastDay && keys.length <= query.limit; read++) {
    if (read === MAX_DAYS_PER_LIST_PAGE) return { keys, resumeDay: day };
    const perShard = await Promise.all(
      Array.from({ length: dayIndexShards() }, (_, shard) =>
        queryShard(dayPartition(query.project, day, shard), lower, upper, query.limit + 1, exclusive),
      ),
    );
    keys.push(...perShard.flat().sort((a, b) => a.sk.localeCompare(b.sk)));
    const next = nextDay(day);
    // 9999-12-31 has no next day in four digits; the walk ends rather than wrapping around.
    if (next <= day) break;
    day = next;
  }
  return { keys };
}

/** Keys of one shard partition of the day index within `[lower, upper]` (exported for jobs that walk a day). */
export function queryShard(
  partition: string,
  lower: string,
  upper: string,
  limit: number,
  exclusive: boolean,
): Promise<IndexKey[]> {
  return queryIndexKeys({ index: DAY_INDEX, partition, lower, upper, exclusive, limit });
}

/** Reads chosen attributes of interactions by partition key, 100 per request, retrying unprocessed keys. */
export async function batchGetInteractions(
  pks: string[],
  attributes: string[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const names = ['pk', ...attributes];
  for (let offset = 0; offset < pks.length; offset += 100) {
    let request: BatchGetRequest | undefined = {
      [table()]: {
        Keys: pks.slice(offset, offset + 100).map((pk) => ({ pk, sk: INTERACTION_SK })),
        ProjectionExpression: names.map((name) => `#${name}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamo().send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(result.Responses?.[table()] ?? []));
      request = result.UnprocessedKeys as BatchGetRequest | undefined;
    }
  }
  return items;
}

type BatchGetRequest = Record<
  string,
  {
    Keys: Record<string, unknown>[];
    ProjectionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
  }
>;

async function batchGetSummaries(pks: string[]): Promise<Record<string, unknown>[]> {
  return batchGetInteractions(pks, SUMMARY_ATTRIBUTES);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Marks an interaction that started but never completed as abandoned, and takes it out of the
 * sweep's work queue. Conditional: a completion stored meanwhile wins, and a completion arriving
 * later still completes it.
 *
 * @example
 * await markAbandoned('default', 'call-42', new Date().toISOString());
 */
export async function markAbandoned(project: string, id: string, now: string): Promise<boolean> {
  return (await execute(interactionKey(project, id), abandonWrite(now))).applied;
}

/**
 * Ids of a project's interactions still in progress that started before `cutoff`, read from the
 * sparse `byOpen` index (every shard in parallel): the sweep pays for open calls only.
 *
 * @example
 * await openBefore('default', '2026-11-21T09:00:00.000Z'); // ['call-42']
 */
export async function openBefore(project: string, cutoff: string): Promise<string[]> {
  const perShard = await Promise.all(
    Array.from({ length: workIndexShards() }, async (_, shard) => {
      const ids: string[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo().send(
          new QueryCommand({
            TableName: table(),
            IndexName: OPEN_INDEX.indexName,
            KeyConditionExpression: 'openPk = :pk AND daySk < :cutoff',
            ExpressionAttributeValues: { ':pk': openPartition(project, shard), ':cutoff': cutoff },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) ids.push(idOfDaySortKey(item.daySk as string));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return ids;
    }),
  );
  return perShard.flat();
}
