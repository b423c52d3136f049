/**
 * Creates the local twin's tables, queues and bucket from the same definitions the CDK stack
 * uses (shared/domain/table/layout.ts, infra/catalog.ts): no second source of truth.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TABLES, type TableDefinition } from '../../shared/domain/table/layout';
import { INGEST_QUEUE } from '../catalog';

export interface LocalResourceNames {
  ledgerTable: string;
  keysTable: string;
  ingestQueue: string;
  deadLetterQueue: string;
  payloadBucket: string;
}

export interface LocalResources {
  names: LocalResourceNames;
  ingestQueueUrl: string;
  deadLetterQueueUrl: string;
}

export function resourceNames(prefix: string): LocalResourceNames {
  return {
    ledgerTable: `${prefix}-ledger`,
    keysTable: `${prefix}-api-keys`,
    ingestQueue: `${prefix}-ingest`,
    deadLetterQueue: `${prefix}-ingest-dlq`,
    payloadBucket: `${prefix}-payloads`,
  };
}

/** The `CreateTable` input for a table definition (on-demand, like the stack). */
export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, string>();
  const keySchema = (pk: { name: string; type: string }, sk?: { name: string; type: string }) => {
    attributes.set(pk.name, pk.type);
    if (sk) attributes.set(sk.name, sk.type);
    return [
      { AttributeName: pk.name, KeyType: 'HASH' as const },
      ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const tableKeys = keySchema(definition.partitionKey, definition.sortKey);
  const indexes = definition.globalSecondaryIndexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection:
      typeof index.projection === 'string'
        ? { ProjectionType: index.projection }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: index.projection.include },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: tableKeys,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as 'S' | 'N' | 'B',
    })),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/** Creates (or finds) every local resource; safe to call on every start. */
export async function ensureLocalResources(prefix: string): Promise<LocalResources> {
  const names = resourceNames(prefix);
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const tableNames: Record<string, string> = { Ledger: names.ledgerTable, ApiKeys: names.keysTable };
    for (const definition of TABLES) {
      const tableName = tableNames[definition.id]!;
      try {
        await dynamo.send(new CreateTableCommand(createTableInput(definition, tableName)));
        if (definition.timeToLiveAttribute) {
          await dynamo.send(
            new UpdateTimeToLiveCommand({
              TableName: tableName,
              TimeToLiveSpecification: { Enabled: true, AttributeName: definition.timeToLiveAttribute },
            }),
          );
        }
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    }

    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: names.deadLetterQueue,
        Attributes: { MessageRetentionPeriod: String(INGEST_QUEUE.deadLetterRetentionDays * 86_400) },
      }),
    );
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: names.ingestQueue,
        Attributes: {
          VisibilityTimeout: String(INGEST_QUEUE.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(INGEST_QUEUE.retentionDays * 86_400),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: INGEST_QUEUE.maxReceiveCount,
          }),
        },
      }),
    );
    try {
      await s3.send(new CreateBucketCommand({ Bucket: names.payloadBucket }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
    return { names, ingestQueueUrl: queue.QueueUrl!, deadLetterQueueUrl: dlq.QueueUrl! };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3.destroy();
  }
}
