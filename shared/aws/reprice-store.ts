/**
 * Repricing stored interactions with the current rules: the unpriced ones (through the sparse,
 * sharded `byUnpriced` index, each shard from a persisted cursor) or every interaction of a day
 * (through the sharded `byDay` index). Idempotent: a record is rewritten only when its cost
 * changes, under a condition that it was not completed again meanwhile; writes go out in
 * parallel (bounded).
 *
 * The unpriced walk keeps one cursor item per shard partition (`REPRICE#<project>` /
 * `CURSOR#<partition>`, the sort key of the last record handled). A record of a model that stays
 * unknown is passed over, not re-read first every run, so it never blocks the ones behind it;
 * at the end of a partition the cursor is cleared and the next run starts again from the oldest.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../concurrency';
import { dayPartition, interactionKey, legacyUnpricedPartition, unpricedPartition } from '../ledger/keys';
import type { PricedAs } from '../ledger/record';
import { dayIndexShards, workIndexShards } from '../ledger/shards';
import { LEDGER_TABLE } from '../ledger/tables';
import type { NormalizedUsage } from '../normalize';
import {
  type CostBreakdown,
  isCatalogMiss,
  type ModelMap,
  type PricingRule,
  priceUsage,
  type RepriceResult,
  repriceCost,
} from '../pricing';
import { markDayChanged } from './analytics-store';
import { listApiKeys } from './api-key-store';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { batchGetInteractions, queryShard } from './ledger-store';

const table = () => requireEnv(ENV.ledgerTable);
const UNPRICED_INDEX = LEDGER_TABLE.globalSecondaryIndexes.find((index) => index.indexName === 'byUnpriced')!;
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

/** Every project that has an API key (the keys table is small). */
export async function listProjects(): Promise<string[]> {
  return [...new Set((await listApiKeys()).map((record) => record.project))].sort();
}

/** Conditional updates in flight at once per reprice call. */
export const REPRICE_WRITE_CONCURRENCY = 32;

/** The unpriced partitions of a project: every shard, and the unsharded one older versions wrote. */
export const unpricedPartitions = (project: string): string[] => [
  ...Array.from({ length: workIndexShards() }, (_, shard) => unpricedPartition(project, shard)),
  legacyUnpricedPartition(project),
];

const cursorKey = (project: string, partition: string) => ({
  pk: `REPRICE#${project}`,
  sk: `CURSOR#${partition}`,
});

/**
 * Reprices one unpriced partition from its persisted cursor, a page at a time, until the
 * partition ends (cursor cleared) or `shouldStop` says the run's time is up (cursor saved).
 *
 * @example
 * const results = await repriceUnpricedPartition('acme', 'UNPRICED#acme#3', rules, () => false);
 */
export async function repriceUnpricedPartition(
  project: string,
  partition: string,
  rules: PricingRule[],
  shouldStop: () => boolean,
  pageSize = 500,
  options: RepriceOptions = {},
): Promise<RepriceResult[]> {
  const key = cursorKey(project, partition);
  const saved = await dynamo().send(new GetCommand({ TableName: table(), Key: key }));
  let after = saved.Item?.after as string | undefined;
  const results: RepriceResult[] = [];
  let done = false;
  while (!done && !shouldStop()) {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: UNPRICED_INDEX.indexName,
        KeyConditionExpression:
          after === undefined ? 'unpricedPk = :pk' : 'unpricedPk = :pk AND daySk > :after',
        ExpressionAttributeValues: { ':pk': partition, ...(after === undefined ? {} : { ':after': after }) },
        Limit: pageSize,
      }),
    );
    const items = page.Items ?? [];
    results.push(
      ...(await repriceInteractions(
        items.map((item) => item.pk as string),
        rules,
        options,
      )),
    );
    if (items.length > 0) after = items[items.length - 1]!.daySk as string;
    done = page.LastEvaluatedKey === undefined;
  }
  if (done) await dynamo().send(new DeleteCommand({ TableName: table(), Key: key }));
  else if (after !== undefined)
    await dynamo().send(
      new PutCommand({ TableName: table(), Item: { ...key, entity: 'reprice-cursor', after } }),
    );
  return results;
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

/** Partition keys of every interaction of a project's UTC day. */
export async function dayInteractionKeys(project: string, day: string): Promise<string[]> {
  const shards = await Promise.all(
    Array.from({ length: dayIndexShards() }, (_, shard) =>
      queryShard(
        dayPartition(project, day, shard),
        `${day}T`,
        `${day}T\uffff`,
        Number.MAX_SAFE_INTEGER,
        false,
      ),
    ),
  );
  return shards.flat().map((key) => key.pk);
}

/** What else prices a project's interactions: the global catalog layer and the project's model map. */
export interface RepriceOptions {
  /** Only interactions of this model. */
  model?: string;
  layer?: readonly PricingRule[];
  modelMap?: ModelMap;
}

/**
 * Reprices interactions by partition key with `rules` (project overrides) before the catalog
 * layer and the catalog. The model priced is the project's mapping of `model` when it has one,
 * else the one pricing used when the interaction was stored (`pricedAs`), so an Azure deployment
 * keeps its real model. Interactions still in progress are skipped (they are priced when they complete).
 * The days of the costs it changed are marked changed, so the next scheduled rollup recomputes them.
 *
 * @example
 * const results = await repriceInteractions(await dayInteractionKeys('default', '2026-11-20'), overrides);
 */
export async function repriceInteractions(
  pks: string[],
  rules: PricingRule[],
  filter: RepriceOptions = {},
): Promise<RepriceResult[]> {
  const items = await batchGetInteractions(pks, REPRICE_ATTRIBUTES);
  const results: RepriceResult[] = [];
  const writes: { item: Record<string, unknown>; next: CostBreakdown }[] = [];
  for (const item of items) {
    if (!item.completedAt || (filter.model && item.model !== filter.model)) continue;
    const previous = item.cost as CostBreakdown;
    const pricedAs = item.pricedAs as PricedAs | undefined;
    const model = item.model as string;
    const next = priceUsage({
      provider: item.provider as string,
      model: filter.modelMap?.[model.trim().toLowerCase()] ?? pricedAs?.model ?? model,
      usage: item.usage as NormalizedUsage | undefined,
      at: item.timestamp as string,
      batch: item.batch === true,
      serviceTier: pricedAs?.serviceTier,
      rules,
      layer: filter.layer,
    });
    const result = repriceCost(previous, next);
    results.push(result);
    if (result.changed) writes.push({ item, next });
  }
  await mapLimit(writes, REPRICE_WRITE_CONCURRENCY, async ({ item, next }) => {
    const stillUnknown = isCatalogMiss(next.unpricedReason);
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: table(),
          Key: interactionKey(item.project as string, item.id as string),
          UpdateExpression: stillUnknown ? 'SET cost = :cost' : 'SET cost = :cost REMOVE unpricedPk',
          ConditionExpression: 'completedAt = :completedAt',
          ExpressionAttributeValues: { ':cost': next, ':completedAt': item.completedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  });
  // A cost changed on these days: their rollups are recomputed by the next scheduled rollup.
  const days = new Set(
    writes.map(({ item }) => `${item.project as string}\u0000${(item.timestamp as string).slice(0, 10)}`),
  );
  for (const entry of days) {
    const [project, day] = entry.split('\u0000') as [string, string];
    await markDayChanged(project, day);
  }
  return results;
}
