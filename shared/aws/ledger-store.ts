import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  dayIndexKey,
  dayPartition,
  interactionKey,
  openIndexKey,
  openPartition,
  payloadObjectKey,
  sessionIndexKey,
  unpricedIndexKey,
} from '../ledger/keys';
import {
  compressForBucket,
  decompressPayload,
  INLINE_PAYLOAD_LIMIT_BYTES,
  type InteractionPayload,
  inlinePart,
  type PayloadPart,
  type StoredInteraction,
  storedCounts,
  sumCounts,
  withContent,
} from '../ledger/record';
import { dayIndexShards, workIndexShards } from '../ledger/shards';
import { type IndexDefinition, LEDGER_TABLE } from '../ledger/tables';
import type { PreparedInteraction } from '../pipeline/prepare';
import { isCatalogMiss } from '../pricing';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { InvalidCursorError } from './errors';
import { deleteObject, getPayloadObject, putPayloadObject } from './payload-store';

const table = () => requireEnv(ENV.ledgerTable);
const indexNamed = (name: string) =>
  LEDGER_TABLE.globalSecondaryIndexes.find((index) => index.indexName === name)!;
const SESSION_INDEX = indexNamed('bySession');
const DAY_INDEX = indexNamed('byDay');
const OPEN_INDEX = indexNamed('byOpen');

export type SaveOutcome =
  | {
      status: 'created' | 'merged';
      phase: 'started' | 'completed' | 'content';
      payloadStore: 'inline' | 's3';
    }
  | { status: 'duplicate'; phase: 'started' | 'completed' | 'content' };

type Item = Record<string, unknown>;

/** Collects `SET` clauses for one UpdateItem; undefined values are skipped. */
export class UpdateBuilder {
  private readonly clauses: string[] = [];
  private readonly removals: string[] = [];
  public readonly names: Record<string, string> = {};
  public readonly values: Record<string, unknown> = {};

  public set(attribute: string, value: unknown): this {
    return this.add(attribute, value, (name, placeholder) => `${name} = ${placeholder}`);
  }

  public setIfAbsent(attribute: string, value: unknown): this {
    return this.add(
      attribute,
      value,
      (name, placeholder) => `${name} = if_not_exists(${name}, ${placeholder})`,
    );
  }

  public remove(attribute: string): this {
    const name = `#${attribute}`;
    this.names[name] = attribute;
    this.removals.push(name);
    return this;
  }

  public expression(): string {
    const remove = this.removals.length > 0 ? ` REMOVE ${this.removals.join(', ')}` : '';
    return `SET ${this.clauses.join(', ')}${remove}`;
  }

  /** The attributes the `SET` clauses write, as on an item this update creates. */
  public attributes(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.names)
        .filter(([name]) => !this.removals.includes(name))
        .map(([, attribute]) => [attribute, this.values[`:${attribute}`]]),
    );
  }

  public clone(): UpdateBuilder {
    const copy = new UpdateBuilder();
    copy.clauses.push(...this.clauses);
    copy.removals.push(...this.removals);
    Object.assign(copy.names, this.names);
    Object.assign(copy.values, this.values);
    return copy;
  }

  private add(
    attribute: string,
    value: unknown,
    clause: (name: string, placeholder: string) => string,
  ): this {
    if (value === undefined) return this;
    const name = `#${attribute}`;
    this.names[name] = attribute;
    this.values[`:${attribute}`] = value;
    this.clauses.push(clause(name, `:${attribute}`));
    return this;
  }
}

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

/** Deletes our object when the record ended up pointing elsewhere (a lost race, or a duplicate). */
async function dropIfUnreferenced(
  ours: PayloadPart | undefined,
  kept: PayloadPart | undefined,
): Promise<void> {
  if (ours?.key && kept?.key !== ours.key) await deleteObject(ours.key);
}

/**
 * The update one lifecycle event makes to its interaction's item (see {@link saveInteraction} for
 * the merge rules), without the `in_progress` status a start adds only while no completion exists.
 * Pure: the cost model builds the item it prices from it, as the processor stores it.
 *
 * @example
 * const item = { ...interactionKey(project, id), ...interactionUpdate(prepared, { requestPart }).attributes() };
 */
export function interactionUpdate(
  prepared: PreparedInteraction,
  parts: { requestPart?: PayloadPart; responsePart?: PayloadPart; contentPart?: PayloadPart },
): UpdateBuilder {
  const { record, phase } = prepared;
  const { requestPart, responsePart } = parts;
  if (phase === 'content') return contentUpdate(prepared, parts.contentPart);
  const dayKeys = dayIndexKey(record.project, record.timestamp, record.id);
  const sessionKeys = record.sessionId ? sessionIndexKey(record.project, record.sessionId) : undefined;

  const update = new UpdateBuilder()
    .setIfAbsent('entity', record.entity)
    .setIfAbsent('id', record.id)
    .setIfAbsent('project', record.project)
    .setIfAbsent('receivedAt', record.receivedAt)
    // Retention (TTL) is fixed by the first event stored; undefined (keep forever) sets nothing.
    .setIfAbsent('expiresAt', prepared.expiresAt)
    .set('processedAt', record.processedAt);
  // The start event is the authority on when and what was asked; a completion fills gaps only.
  const startAuthority = phase === 'started' && prepared.explicitStart;
  const onStart = (builder: UpdateBuilder, attribute: string, value: unknown) =>
    phase === 'started' ? builder.set(attribute, value) : builder.setIfAbsent(attribute, value);
  for (const [attribute, value] of Object.entries({
    startedAt: record.startedAt,
    timestamp: record.timestamp,
    ...dayKeys,
    ...(sessionKeys ?? {}),
  })) {
    if (startAuthority) update.set(attribute, value);
    else update.setIfAbsent(attribute, value);
  }
  onStart(update, 'provider', record.provider);
  onStart(update, 'sessionId', record.sessionId);
  onStart(update, 'parentId', record.parentId);
  onStart(update, 'userId', record.userId);
  onStart(update, 'traceId', record.traceId);
  onStart(update, 'tags', record.tags);
  if (requestPart) {
    onStart(update, 'requestPart', requestPart);
    // No counts are stored as no attribute; the start authority clears counts of a request it replaces.
    const counts = storedCounts(record.requestRedactions);
    if (counts === undefined && phase === 'started') update.remove('requestRedactions');
    else onStart(update, 'requestRedactions', counts);
  }
  if (phase === 'completed') {
    update
      .set('status', record.status)
      .set('completedAt', record.processedAt)
      .set('model', record.model)
      .set('usage', record.usage)
      .set('cost', record.cost)
      .set('pricedAs', record.pricedAs)
      .set('endedAt', record.endedAt)
      .set('errorClass', record.errorClass)
      .set('batch', record.batch)
      .set('analyze', record.analyze)
      .set('responsePart', responsePart)
      .set('responseRedactions', responsePart ? storedCounts(record.responseRedactions) : undefined);
    if (isCatalogMiss(record.cost.unpricedReason)) {
      for (const [attribute, value] of Object.entries(unpricedIndexKey(record.project, record.id))) {
        update.set(attribute, value);
      }
    }
    // Completed: no longer in the sweep's work queue (removing an absent attribute writes nothing).
    update.remove('openPk');
    // Latency the client measured wins; one derived from this event's own times fills a gap only.
    if (prepared.explicitLatency) update.set('latencyMs', record.latencyMs);
    else update.setIfAbsent('latencyMs', record.latencyMs);
  } else {
    update.setIfAbsent('model', record.model).setIfAbsent('cost', record.cost);
  }
  return update;
}

/**
 * The update of a `content` event (messages observed apart from the call, e.g. OTLP log events):
 * it replaces the content part and fills nothing else but what a record needs to exist (never
 * the status, times, usage or cost of a call already stored). Reads overlay the content on the
 * request and response messages the call's own events did not carry ({@link getInteraction}).
 */
function contentUpdate(prepared: PreparedInteraction, contentPart: PayloadPart | undefined): UpdateBuilder {
  const { record } = prepared;
  const counts = storedCounts(sumCounts(record.requestRedactions, record.responseRedactions));
  return new UpdateBuilder()
    .setIfAbsent('entity', record.entity)
    .setIfAbsent('id', record.id)
    .setIfAbsent('project', record.project)
    .setIfAbsent('receivedAt', record.receivedAt)
    .setIfAbsent('expiresAt', prepared.expiresAt)
    .setIfAbsent('provider', record.provider)
    .setIfAbsent('traceId', record.traceId)
    .setIfAbsent('status', record.status)
    .setIfAbsent('cost', record.cost)
    .set('processedAt', record.processedAt)
    .set('contentPart', contentPart)
    .set('contentRedactions', counts);
}

/**
 * Merges one lifecycle event into the interaction's single record, exactly once, with
 * conditional updates (no read-modify-write):
 * - `completed` is applied only if no completion was stored yet, so a repeated completion never
 *   prices twice; request-side fields it carries fill gaps only.
 * - `started` sets the request side and the start time (the start event is their authority),
 *   and marks the record in progress only while no completion exists, so a late `started`
 *   never erases completion data.
 * - `latencyMs` is derived from `startedAt`/`endedAt` once both are known, when not given.
 * Payload parts over 64 KB are written to the payload bucket before the item points at them.
 *
 * @example
 * const outcome = await saveInteraction(prepareInteraction(envelope, context));
 */
export async function saveInteraction(prepared: PreparedInteraction): Promise<SaveOutcome> {
  const { record, phase } = prepared;
  if (phase === 'content') return saveContent(prepared);
  const requestPart = await storePart(record.project, record.id, 'request', prepared.requestJson);
  const responsePart = await storePart(record.project, record.id, 'response', prepared.responseJson);
  const key = interactionKey(record.project, record.id);
  const update = interactionUpdate(prepared, { requestPart, responsePart });

  let outcome: SaveOutcome;
  let old: Item | undefined;
  if (phase === 'completed') {
    const applied = await conditionalUpdate(key, update, 'attribute_not_exists(completedAt)');
    old = applied.old;
    if (!applied.ok) {
      await dropIfUnreferenced(requestPart, old?.requestPart as PayloadPart | undefined);
      await dropIfUnreferenced(responsePart, old?.responsePart as PayloadPart | undefined);
      return { status: 'duplicate', phase };
    }
    await dropIfUnreferenced(requestPart, (old?.requestPart as PayloadPart | undefined) ?? requestPart);
    outcome = {
      status: old ? 'merged' : 'created',
      phase,
      payloadStore: storeOf(requestPart, responsePart, old),
    };
  } else {
    const applied = await conditionalUpdate(
      key,
      update
        .clone()
        .set('status', 'in_progress')
        .set('openPk', openIndexKey(record.project, record.id).openPk),
      'attribute_not_exists(completedAt)',
    );
    old = applied.old;
    if (!applied.ok) {
      // Already completed: still record the request side, never the status.
      old = (await conditionalUpdate(key, update)).old;
    }
    const previous = old?.requestPart as PayloadPart | undefined;
    if (requestPart && previous?.key && previous.key !== requestPart.key) await deleteObject(previous.key);
    outcome = {
      status: old ? 'merged' : 'created',
      phase,
      payloadStore: storeOf(requestPart, responsePart, old),
    };
  }
  await deriveLatency(key, prepared, old);
  return outcome;
}

function storeOf(request: PayloadPart | undefined, response: PayloadPart | undefined, old: Item | undefined) {
  const parts = [request, response, old?.requestPart, old?.responsePart] as (PayloadPart | undefined)[];
  return parts.some((part) => part?.store === 's3') ? ('s3' as const) : ('inline' as const);
}

async function conditionalUpdate(
  key: Record<string, string>,
  update: UpdateBuilder,
  condition?: string,
): Promise<{ ok: boolean; old?: Item }> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: update.expression(),
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
        ConditionExpression: condition,
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ok: true, old: result.Attributes };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { ok: false, old: error.Item ? unmarshall(error.Item) : undefined };
  }
}

/**
 * Once start and end are both known and no latency was given, stores their difference. The
 * condition pins the values it was computed from, so concurrent events cannot store a stale one.
 */
async function deriveLatency(
  key: Record<string, string>,
  prepared: PreparedInteraction,
  old: Item | undefined,
) {
  const { record, phase } = prepared;
  const startedAt =
    phase === 'started' && prepared.explicitStart
      ? record.startedAt
      : ((old?.startedAt as string | undefined) ?? record.startedAt);
  const endedAt = (old?.endedAt as string | undefined) ?? record.endedAt;
  const completed = phase === 'completed' || old?.completedAt !== undefined;
  const latencyKnown =
    old?.latencyMs !== undefined || (phase === 'completed' && record.latencyMs !== undefined);
  if (!completed || latencyKnown || !startedAt || !endedAt) return;
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        UpdateExpression: 'SET latencyMs = :latency',
        ConditionExpression:
          'attribute_not_exists(latencyMs) AND startedAt = :startedAt AND endedAt = :endedAt',
        ExpressionAttributeValues: {
          ':latency': Math.max(0, Date.parse(endedAt) - Date.parse(startedAt)),
          ':startedAt': startedAt,
          ':endedAt': endedAt,
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
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

/** A `content` event: the messages as one part (`{request, response}`), set on the record whatever its state. */
async function saveContent(prepared: PreparedInteraction): Promise<SaveOutcome> {
  const { record } = prepared;
  const parts = [prepared.requestJson, prepared.responseJson].filter((json) => json !== undefined);
  const json =
    parts.length === 0
      ? undefined
      : JSON.stringify(Object.assign({}, ...parts.map((part) => JSON.parse(part))));
  const contentPart = await storePart(record.project, record.id, 'content', json);
  const key = interactionKey(record.project, record.id);
  const { old } = await conditionalUpdate(key, contentUpdate(prepared, contentPart));
  const previous = old?.contentPart as PayloadPart | undefined;
  if (contentPart && previous?.key && previous.key !== contentPart.key) await deleteObject(previous.key);
  return {
    status: old ? 'merged' : 'created',
    phase: 'content',
    payloadStore: contentPart?.store ?? 'inline',
  };
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

interface Cursor {
  /** Sort key of the last item returned. */
  after: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    // A sort key of the index pages are read from: `<ISO timestamp>#<id>`.
    return typeof parsed?.after === 'string' && /^\d{4}-\d{2}-\d{2}T[^#]*#./.test(parsed.after)
      ? { after: parsed.after }
      : undefined;
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
): Promise<{ items: StoredInteraction[]; nextCursor?: string }> {
  const after = decodeCursor(query.cursor)?.after;
  if (query.cursor !== undefined && after === undefined) throw new InvalidCursorError('interactions');
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
        Keys: pks.slice(offset, offset + 100).map((pk) => ({ pk, sk: 'INT' })),
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
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: interactionKey(project, id),
        UpdateExpression: 'SET #status = :abandoned, abandonedAt = :now REMOVE openPk',
        ConditionExpression: 'attribute_not_exists(completedAt) AND #status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':abandoned': 'abandoned', ':inProgress': 'in_progress', ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
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
        // `daySk` is `<timestamp>#<id>`; an ISO timestamp holds no `#`.
        for (const item of page.Items ?? []) {
          const daySk = item.daySk as string;
          ids.push(daySk.slice(daySk.indexOf('#') + 1));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return ids;
    }),
  );
  return perShard.flat();
}
