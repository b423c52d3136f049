/**
 * DynamoDB table layouts: the one definition that both the CDK stack and the local twin
 * build tables from, and that the adapters read index names from ({@link ledgerIndex}). Plain
 * data, no AWS imports. Item keys are in ./keys.ts, shard counts in ./shards.ts.
 */

export type AttributeType = 'S' | 'N' | 'B';

export interface IndexDefinition {
  indexName: string;
  partitionKey: { name: string; type: AttributeType };
  sortKey?: { name: string; type: AttributeType };
  /** `KEYS_ONLY`, `ALL`, or the non-key attributes to include. */
  projection: 'KEYS_ONLY' | 'ALL' | { include: string[] };
}

export interface TableDefinition {
  /** Logical id in the stack, and the suffix of the physical name locally. */
  id: string;
  partitionKey: { name: string; type: AttributeType };
  sortKey?: { name: string; type: AttributeType };
  timeToLiveAttribute?: string;
  globalSecondaryIndexes: IndexDefinition[];
}

/**
 * The ledger: interactions (and, as later issues add them, analysis requests, batches,
 * rollups, anomalies and project settings), one item type per key prefix.
 *
 * Indexes are deliberately few and lean, because every index write is paid per interaction:
 * - `bySession` (sparse, keys only): an interaction's session, newest last.
 * - `byUnpriced` (sparse, keys only, write-sharded): `UNPRICED#<project>#<shard>` → interactions
 *   of an unknown model, present until a rule prices them, so repricing them is a query rather
 *   than a scan.
 * - `byOpen` (sparse, keys only, write-sharded): `OPEN#<project>#<shard>` → interactions that
 *   started and have not completed, so the sweep reads only those, never a whole day.
 * - `byDay` (write-sharded): `<project>#<day>#<shard>` → time-ordered interactions of that day,
 *   with just the fields rollups and list filters need projected. Sharding keeps a busy
 *   project's day from becoming one hot partition.
 * The four interaction indexes share one sort key attribute, `daySk` (`<timestamp>#<id>`); shard
 * counts are a deploy setting (./shards.ts).
 * - `byWork` (sparse, analysis only): the offline-analysis work queues. A request carries
 *   `workPk` only while it waits (`AWORK#pending#<shard>`) or is in a batch (`AWORK#batch#<id>`),
 *   a batch only while it is being created or in flight; finished items leave the index.
 * - `byAnalysisStatus` (analysis requests only): `ASTATUS#<project>#<status>` → requests by the
 *   time they entered that status, for the admin list.
 */
export const LEDGER_TABLE = {
  id: 'Ledger',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'bySession',
      partitionKey: { name: 'sessionPk', type: 'S' },
      sortKey: { name: 'daySk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'byUnpriced',
      partitionKey: { name: 'unpricedPk', type: 'S' },
      sortKey: { name: 'daySk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'byOpen',
      partitionKey: { name: 'openPk', type: 'S' },
      sortKey: { name: 'daySk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
    {
      indexName: 'byDay',
      partitionKey: { name: 'dayPk', type: 'S' },
      sortKey: { name: 'daySk', type: 'S' },
      projection: {
        include: [
          'id',
          'project',
          'provider',
          'model',
          'status',
          'timestamp',
          'usage',
          'cost',
          'latencyMs',
          'tags',
        ],
      },
    },
    {
      indexName: 'byWork',
      partitionKey: { name: 'workPk', type: 'S' },
      sortKey: { name: 'workSk', type: 'S' },
      projection: {
        include: [
          'id',
          'project',
          'model',
          'interactionId',
          'createdAt',
          'status',
          'analyses',
          'maxInputChars',
        ],
      },
    },
    {
      indexName: 'byAnalysisStatus',
      partitionKey: { name: 'statusPk', type: 'S' },
      sortKey: { name: 'statusSk', type: 'S' },
      projection: { include: ['id', 'interactionId', 'status', 'attempts', 'failedAt', 'error'] },
    },
  ],
} as const satisfies TableDefinition;

/** API keys: only a SHA-256 hash of each key is stored. */
export const KEYS_TABLE = {
  id: 'ApiKeys',
  partitionKey: { name: 'pk', type: 'S' },
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

export const TABLES: TableDefinition[] = [LEDGER_TABLE, KEYS_TABLE];

/** Names of the ledger table's indexes. */
export type LedgerIndexName = (typeof LEDGER_TABLE.globalSecondaryIndexes)[number]['indexName'];

/**
 * The definition of one ledger index, by name (a typo does not compile).
 *
 * @example
 * ledgerIndex('byDay').sortKey.name; // 'daySk'
 */
export function ledgerIndex<Name extends LedgerIndexName>(
  name: Name,
): Extract<(typeof LEDGER_TABLE.globalSecondaryIndexes)[number], { indexName: Name }> {
  return LEDGER_TABLE.globalSecondaryIndexes.find((index) => index.indexName === name) as Extract<
    (typeof LEDGER_TABLE.globalSecondaryIndexes)[number],
    { indexName: Name }
  >;
}
