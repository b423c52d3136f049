/**
 * Repricing stored interactions with the current rules: the unpriced ones (through the sparse
 * `byUnpriced` index) or every interaction of a day (through the sharded `byDay` index).
 * Idempotent: a record is rewritten only when its cost changes, under a condition that it was
 * not completed again meanwhile.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dayPartition, interactionKey, unpricedIndexKey } from '../ledger/keys';
import { DAY_INDEX_SHARDS, LEDGER_TABLE } from '../ledger/tables';
import type { NormalizedUsage } from '../normalize';
import {
  type CostBreakdown,
  isCatalogMiss,
  type PricingRule,
  priceUsage,
  type RepriceResult,
  repriceCost,
} from '../pricing';
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
  'completedAt',
];

/** Every project that has an API key (the keys table is small). */
export async function listProjects(): Promise<string[]> {
  return [...new Set((await listApiKeys()).map((record) => record.project))].sort();
}

/** Partition keys of a project's unpriced interactions, oldest first, at most `limit`. */
export async function unpricedInteractionKeys(project: string, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        IndexName: UNPRICED_INDEX.indexName,
        KeyConditionExpression: 'unpricedPk = :pk',
        ExpressionAttributeValues: { ':pk': unpricedIndexKey(project).unpricedPk },
        Limit: Math.min(limit - keys.length, 1000),
        ExclusiveStartKey: startKey,
      }),
    );
    keys.push(...(page.Items ?? []).map((item) => item.pk as string));
    startKey = page.LastEvaluatedKey;
  } while (startKey && keys.length < limit);
  return keys;
}

/** Partition keys of every interaction of a project's UTC day. */
export async function dayInteractionKeys(project: string, day: string): Promise<string[]> {
  const shards = await Promise.all(
    Array.from({ length: DAY_INDEX_SHARDS }, (_, shard) =>
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

/**
 * Reprices interactions by partition key with `rules` (project overrides) before the catalog.
 * Interactions still in progress are skipped (they are priced when they complete).
 *
 * @example
 * const results = await repriceInteractions(await dayInteractionKeys('default', '2026-11-20'), overrides);
 */
export async function repriceInteractions(
  pks: string[],
  rules: PricingRule[],
  filter: { model?: string } = {},
): Promise<RepriceResult[]> {
  const items = await batchGetInteractions(pks, REPRICE_ATTRIBUTES);
  const results: RepriceResult[] = [];
  for (const item of items) {
    if (!item.completedAt || (filter.model && item.model !== filter.model)) continue;
    const previous = item.cost as CostBreakdown;
    const next = priceUsage({
      provider: item.provider as string,
      model: item.model as string,
      usage: item.usage as NormalizedUsage | undefined,
      at: item.timestamp as string,
      batch: item.batch === true,
      rules,
    });
    const result = repriceCost(previous, next);
    results.push(result);
    if (!result.changed) continue;
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
  }
  return results;
}
