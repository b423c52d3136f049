/**
 * The reprice job's stores on DynamoDB (the use case is shared/domain/pricing/reprice-job.ts): stored
 * costs (BatchGetItem, conditional UpdateItem), the sharded `byUnpriced` queue with one cursor
 * item per partition (`REPRICE#<project>` / `CURSOR#<partition>`), the `byDay` index by shard
 * and hour block, and the progress of day reprice runs (`REPRICE#RUN#<runId>` /
 * `SLICE#<shard>#<hour>`, expired by TTL), and projects with their pricing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CostBreakdown } from '../../domain/pricing';
import type {
  CostStore,
  DaySlice,
  DaySliceStore,
  IndexPage,
  ProjectDirectory,
  RepriceCandidate,
  RepriceDependencies,
  RepriceLogger,
  SliceProgress,
  UnpricedQueue,
} from '../../domain/pricing/reprice-job';
import {
  dayPartition,
  interactionKey,
  legacyUnpricedPartition,
  repriceCursorKey,
  repriceRunPartition,
  repriceSliceSortKey,
  unpricedPartition,
} from '../../domain/table/keys';
import { ledgerIndex } from '../../domain/table/layout';
import { workIndexShards } from '../../domain/table/shards';
import { hourRange, markDayChanged } from './analytics-store';
import { listApiKeys } from './api-key-store';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { batchGetInteractions } from './ledger-store';
import { projectContext } from './project-context';

const table = () => requireEnv(ENV.ledgerTable);
const UNPRICED_INDEX = ledgerIndex('byUnpriced');
const DAY_INDEX = ledgerIndex('byDay');
const REPRICE_ATTRIBUTES = [
  'id',
  'project',
  'provider',
  'model',
  'timestamp',
  'usage',
  'cost',
  'batch',
  'pricedAs',
  'completedAt',
];
/** Days a run's slice progress is kept: long enough to resume or look into a failed run. */
const RUN_EXPIRY_DAYS = 3;

/** Every project that has an API key (the keys table is small). */
export async function listProjects(): Promise<string[]> {
  return [...new Set((await listApiKeys()).map((record) => record.project))].sort();
}

/** The unpriced partitions of a project: every shard, and the unsharded one older versions wrote. */
export const unpricedPartitions = (project: string): string[] => [
  ...Array.from({ length: workIndexShards() }, (_, shard) => unpricedPartition(project, shard)),
  legacyUnpricedPartition(project),
];

/** Stored costs: read by partition key, written under the `completedAt` condition. */
export const dynamoCostStore: CostStore = {
  async readInteractions(pks) {
    // A page's BatchGetItem requests (100 keys each) go out together, not one after another.
    const chunks = Array.from({ length: Math.ceil(pks.length / 100) }, (_, index) =>
      pks.slice(index * 100, index * 100 + 100),
    );
    const read = await Promise.all(chunks.map((chunk) => batchGetInteractions(chunk, REPRICE_ATTRIBUTES)));
    return read.flat().map((item) => item as unknown as RepriceCandidate);
  },
  async writeCost(interaction: RepriceCandidate, cost: CostBreakdown, leaveUnpricedQueue: boolean) {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: table(),
          Key: interactionKey(interaction.project, interaction.id),
          UpdateExpression: leaveUnpricedQueue ? 'SET cost = :cost REMOVE unpricedPk' : 'SET cost = :cost',
          ConditionExpression: 'completedAt = :completedAt',
          ExpressionAttributeValues: { ':cost': cost, ':completedAt': interaction.completedAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
  markDayChanged: (project, day) => markDayChanged(project, day),
};

async function indexPage(
  indexName: string,
  keyCondition: string,
  values: Record<string, unknown>,
  limit: number,
): Promise<IndexPage> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      IndexName: indexName,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: values,
      Limit: limit,
    }),
  );
  return {
    entries: (page.Items ?? []).map((item) => ({ pk: item.pk as string, position: item.daySk as string })),
    more: page.LastEvaluatedKey !== undefined,
  };
}

/** The sharded `byUnpriced` queue, one cursor item per partition. */
export const dynamoUnpricedQueue: UnpricedQueue = {
  partitions: unpricedPartitions,
  page: (partition, after, limit) =>
    indexPage(
      UNPRICED_INDEX.indexName,
      after === undefined ? 'unpricedPk = :pk' : 'unpricedPk = :pk AND daySk > :after',
      { ':pk': partition, ...(after === undefined ? {} : { ':after': after }) },
      limit,
    ),
  async loadCursor(project, partition) {
    const saved = await dynamo().send(
      new GetCommand({ TableName: table(), Key: repriceCursorKey(project, partition) }),
    );
    return saved.Item?.after as string | undefined;
  },
  async saveCursor(project, partition, after) {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: { ...repriceCursorKey(project, partition), entity: 'reprice-cursor', after },
      }),
    );
  },
  async clearCursor(project, partition) {
    await dynamo().send(new DeleteCommand({ TableName: table(), Key: repriceCursorKey(project, partition) }));
  },
};

/** The `byDay` index by shard and hour block, and day reprice runs' progress items. */
export const dynamoDaySliceStore: DaySliceStore = {
  page(project, date, slice, after, limit) {
    const { lower, upper } = hourRange(date, slice.hour, slice.hours);
    // After a resume the range starts just past the last record handled.
    const from = after === undefined ? lower : `${after}\u0000`;
    return indexPage(
      DAY_INDEX.indexName,
      'dayPk = :pk AND daySk BETWEEN :lower AND :upper',
      { ':pk': dayPartition(project, date, slice.shard), ':lower': from, ':upper': upper },
      limit,
    );
  },
  async loadProgress(runId, slice) {
    const saved = await dynamo().send(
      new GetCommand({
        TableName: table(),
        Key: { pk: repriceRunPartition(runId), sk: repriceSliceSortKey(slice) },
      }),
    );
    return saved.Item?.progress as SliceProgress | undefined;
  },
  async saveProgress(runId, slice, progress) {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: repriceRunPartition(runId),
          sk: repriceSliceSortKey(slice),
          entity: 'reprice-run-slice',
          slice,
          progress,
          expiresAt: Math.floor(Date.now() / 1000) + RUN_EXPIRY_DAYS * 86_400,
        },
      }),
    );
  },
  async listProgress(runId) {
    const found: { slice: DaySlice; progress: SliceProgress }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': repriceRunPartition(runId) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        found.push({ slice: item.slice as DaySlice, progress: item.progress as SliceProgress });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  },
};

/** Projects (from the keys table) and their pricing (project settings and the catalog layer). */
export const dynamoProjectDirectory: ProjectDirectory = {
  listProjects,
  async pricingFor(project) {
    const { pricingRules, catalogLayer, modelMap } = await projectContext(project);
    return { rules: pricingRules, layer: catalogLayer, modelMap };
  },
};

/**
 * The reprice job's dependencies on DynamoDB, with a logger.
 *
 * @example
 * await runDayReprice({ date: '2026-11-20' }, dynamoRepriceDependencies(logger), 8);
 */
export function dynamoRepriceDependencies(logger: RepriceLogger): RepriceDependencies {
  return {
    costs: dynamoCostStore,
    unpriced: dynamoUnpricedQueue,
    days: dynamoDaySliceStore,
    projects: dynamoProjectDirectory,
    now: () => new Date(),
    logger,
  };
}

/**
 * Partition keys of a project's oldest unpriced interactions, at most `limit` (every partition
 * read in parallel, merged by time): for a reprice within a request, e.g. on saving overrides.
 */
export async function unpricedInteractionKeys(project: string, limit: number): Promise<string[]> {
  const perPartition = await Promise.all(
    unpricedPartitions(project).map(async (partition) => {
      const keys: { pk: string; daySk: string }[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo().send(
          new QueryCommand({
            TableName: table(),
            IndexName: UNPRICED_INDEX.indexName,
            KeyConditionExpression: 'unpricedPk = :pk',
            ExpressionAttributeValues: { ':pk': partition },
            Limit: Math.min(limit - keys.length, 1000),
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? [])
          keys.push({ pk: item.pk as string, daySk: item.daySk as string });
        startKey = page.LastEvaluatedKey;
      } while (startKey && keys.length < limit);
      return keys;
    }),
  );
  return perPartition
    .flat()
    .sort((a, b) => (a.daySk < b.daySk ? -1 : a.daySk > b.daySk ? 1 : 0))
    .slice(0, limit)
    .map((key) => key.pk);
}
