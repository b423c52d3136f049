import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dayIndexKey, dayPartition, interactionKey, payloadObjectKey, sessionIndexKey } from '../ledger/keys';
import {
  compressPayload,
  decompressPayload,
  INLINE_PAYLOAD_LIMIT_BYTES,
  type InteractionPayload,
  type InteractionRecord,
} from '../ledger/record';
import { DAY_INDEX_SHARDS, LEDGER_TABLE } from '../ledger/tables';
import type { PreparedInteraction } from '../pipeline/prepare';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { deleteObject, getPayloadObject, putPayloadObject } from './payload-store';

const table = () => requireEnv(ENV.ledgerTable);
const [SESSION_INDEX, DAY_INDEX] = LEDGER_TABLE.globalSecondaryIndexes;

export type SaveOutcome = { status: 'created'; payloadStore: 'inline' | 's3' } | { status: 'duplicate' };

/**
 * Persists a prepared interaction exactly once. A payload over 64 KB is written to the
 * payload bucket first, so the table item never points at a missing object; the item is then
 * written only if no item with that id exists. A duplicate is a success, not an error.
 *
 * @example
 * const outcome = await saveInteraction(prepareInteraction(envelope, context));
 */
export async function saveInteraction(prepared: PreparedInteraction): Promise<SaveOutcome> {
  const { record } = prepared;
  const payloadBytes = Buffer.byteLength(prepared.payloadJson);
  const compressed = compressPayload(prepared.payloadJson);
  let payloadKey: string | undefined;
  if (payloadBytes > INLINE_PAYLOAD_LIMIT_BYTES) {
    payloadKey = payloadObjectKey(record.project, record.id, compressed);
    await putPayloadObject(payloadKey, compressed);
  }
  const item: InteractionRecord & Record<string, unknown> = {
    ...record,
    ...interactionKey(record.project, record.id),
    ...dayIndexKey(record.project, record.timestamp, record.id),
    ...(record.sessionId
      ? sessionIndexKey(record.project, record.sessionId, record.timestamp, record.id)
      : {}),
    payloadStore: payloadKey ? 's3' : 'inline',
    payloadBytes,
    ...(payloadKey ? { payloadKey } : { payload: compressed }),
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { status: 'created', payloadStore: item.payloadStore };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // Same id, different content: our object is not the one the stored record points at.
    if (payloadKey && error.Item?.payloadKey?.S !== payloadKey) await deleteObject(payloadKey);
    return { status: 'duplicate' };
  }
}

/** One interaction with its redacted payload (read from S3 when offloaded). */
export async function getInteraction(
  project: string,
  id: string,
): Promise<{ record: InteractionRecord; payload: InteractionPayload } | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: interactionKey(project, id) }),
  );
  if (!Item) return undefined;
  const record = Item as InteractionRecord;
  const json =
    record.payloadStore === 's3' && record.payloadKey
      ? await getPayloadObject(record.payloadKey)
      : record.payload
        ? decompressPayload(record.payload)
        : '{}';
  return { record, payload: JSON.parse(json) as InteractionPayload };
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
  'tokens',
  'cost',
  'sessionId',
  'payloadStore',
  'redactions',
  'tags',
];

interface Cursor {
  /** Sort key of the last item returned. */
  after: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    return typeof parsed.after === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lists interactions in time order, by session (the `bySession` index) or by time range
 * (the sharded `byDay` index: every shard of every day in range, merged). The cursor is the
 * sort key of the last item returned, so pages are stable under concurrent writes.
 */
export async function listInteractions(
  query: ListQuery,
): Promise<{ items: InteractionRecord[]; nextCursor?: string }> {
  const after = decodeCursor(query.cursor)?.after;
  // ' ' sorts before any ISO timestamp; DynamoDB rejects empty strings in key conditions.
  const lower = after ?? query.from ?? ' ';
  // Half-open range [from, to): a key is `<timestamp>#<id>`, so one at exactly `to` sorts after it.
  const upper = query.to ?? '\uffff';
  const keys = query.sessionId
    ? await querySession(query, lower, upper, after !== undefined)
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
    items: filtered as unknown as InteractionRecord[],
    nextCursor: keys.length > query.limit ? encodeCursor({ after: page[page.length - 1]!.sk }) : undefined,
  };
}

interface IndexKey {
  pk: string;
  sk: string;
}

async function querySession(
  query: ListQuery,
  lower: string,
  upper: string,
  exclusive: boolean,
): Promise<IndexKey[]> {
  const keys: IndexKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: SESSION_INDEX.indexName,
        KeyConditionExpression: 'sessionPk = :pk AND sessionSk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: {
          ':pk': sessionIndexKey(query.project, query.sessionId!, '', '').sessionPk,
          ':lower': lower,
          ':upper': upper,
        },
        Limit: query.limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = item.sessionSk as string;
      if (exclusive && sk === lower) continue;
      keys.push({ pk: item.pk as string, sk });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && keys.length <= query.limit);
  return keys;
}

async function queryDays(
  query: ListQuery,
  lower: string,
  upper: string,
  exclusive: boolean,
): Promise<IndexKey[]> {
  const firstDay = (lower.trim() || new Date(Date.now() - 86_400_000).toISOString()).slice(0, 10);
  const lastDay = (query.to ?? new Date().toISOString()).slice(0, 10);
  const keys: IndexKey[] = [];
  for (let day = firstDay; day <= lastDay && keys.length <= query.limit; day = nextDay(day)) {
    const perShard = await Promise.all(
      Array.from({ length: DAY_INDEX_SHARDS }, (_, shard) =>
        queryShard(dayPartition(query.project, day, shard), lower, upper, query.limit + 1, exclusive),
      ),
    );
    keys.push(...perShard.flat().sort((a, b) => a.sk.localeCompare(b.sk)));
  }
  return keys;
}

async function queryShard(
  partition: string,
  lower: string,
  upper: string,
  limit: number,
  exclusive: boolean,
): Promise<IndexKey[]> {
  const keys: IndexKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: DAY_INDEX.indexName,
        KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: { ':pk': partition, ':lower': lower, ':upper': upper },
        ProjectionExpression: 'pk, daySk',
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sk = item.daySk as string;
      if (exclusive && sk === lower) continue;
      keys.push({ pk: item.pk as string, sk });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && keys.length < limit);
  return keys;
}

async function batchGetSummaries(pks: string[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let offset = 0; offset < pks.length; offset += 100) {
    let request:
      | Record<
          string,
          {
            Keys: Record<string, unknown>[];
            ProjectionExpression: string;
            ExpressionAttributeNames: Record<string, string>;
          }
        >
      | undefined = {
      [table()]: {
        Keys: pks.slice(offset, offset + 100).map((pk) => ({ pk, sk: 'INT' })),
        ProjectionExpression: ['pk', ...SUMMARY_ATTRIBUTES].map((name) => `#${name}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(
          ['pk', ...SUMMARY_ATTRIBUTES].map((name) => [`#${name}`, name]),
        ),
      },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamo().send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(result.Responses?.[table()] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return items;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
