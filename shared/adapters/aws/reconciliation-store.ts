/**
 * DynamoDB adapter for reconciliation items, in the ledger table under their own partition:
 *
 * | item                | pk                  | sk                                  |
 * | ------------------- | ------------------- | ----------------------------------- |
 * | reconciliation item | `RECON#<project>`   | `<day>#<provider>#<model>` (escaped) |
 *
 * Keys are deterministic and a run replaces the days it reconciled for a provider (items of
 * models no longer seen are deleted), so re-reconciling a day overwrites, never adds.
 */
import type { ReconciliationItem } from '../../domain/reconcile/types';
import { reconciliationItemKey, reconciliationPartition } from '../../domain/table/keys';
import { batchWrite, queryAll } from './analytics-store';
import { ENV, requireEnv } from './config';

const table = () => requireEnv(ENV.ledgerTable);

/** A stored item: the comparison, the project and when it was made. */
export interface StoredReconciliation extends ReconciliationItem {
  project: string;
  reconciledAt: string;
}

/**
 * Replaces a project's items of one provider for the days `from`..`to` (inclusive) with `items`.
 *
 * @example
 * await replaceReconciliation('acme', 'openai', '2026-11-21', '2026-11-21', items);
 */
export async function replaceReconciliation(
  project: string,
  provider: string,
  from: string,
  to: string,
  items: readonly ReconciliationItem[],
  reconciledAt = new Date().toISOString(),
): Promise<{ written: number; deleted: number }> {
  const puts = items.map((item) => ({
    ...reconciliationItemKey(project, item),
    entity: 'reconciliation',
    project,
    ...item,
    reconciledAt,
  }));
  const keep = new Set(puts.map((item) => item.sk));
  const stale: { pk: string; sk: string }[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
      FilterExpression: '#provider = :provider',
      ExpressionAttributeNames: { '#provider': 'provider' },
      ExpressionAttributeValues: {
        ':pk': reconciliationPartition(project),
        ':lower': `${from}#`,
        ':upper': `${to}#~`,
        ':provider': provider,
      },
      ProjectionExpression: 'pk, sk',
    },
    (found) => {
      for (const item of found)
        if (!keep.has(item.sk as string)) stale.push({ pk: item.pk as string, sk: item.sk as string });
    },
  );
  await batchWrite(project, [
    ...puts.map((item) => ({ PutRequest: { Item: item } })),
    ...stale.map((key) => ({ DeleteRequest: { Key: key } })),
  ]);
  return { written: puts.length, deleted: stale.length };
}

export interface ReconciliationQuery {
  project: string;
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
  provider?: string;
  model?: string;
}

/**
 * A project's reconciliation items between two days, oldest first (one query on its partition).
 *
 * @example
 * await queryReconciliation({ project: 'acme', from: '2026-11-01', to: '2026-11-30', provider: 'openai' });
 */
export async function queryReconciliation(query: ReconciliationQuery): Promise<StoredReconciliation[]> {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':pk': reconciliationPartition(query.project),
    ':lower': `${query.from}#`,
    ':upper': `${query.to}#~`,
  };
  if (query.provider) {
    filters.push('#provider = :provider');
    names['#provider'] = 'provider';
    values[':provider'] = query.provider;
  }
  if (query.model) {
    filters.push('#model = :model');
    names['#model'] = 'model';
    values[':model'] = query.model;
  }
  const found: StoredReconciliation[] = [];
  await queryAll(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
      ...(filters.length > 0
        ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
        : {}),
      ExpressionAttributeValues: values,
    },
    (items) => found.push(...(items as unknown as StoredReconciliation[])),
  );
  return found;
}
