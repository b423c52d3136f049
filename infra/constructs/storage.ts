import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STAGING_PREFIX } from '../../shared/ledger/keys';
import { KEYS_TABLE, LEDGER_TABLE, type TableDefinition } from '../../shared/ledger/tables';
import { STAGING_EXPIRY_DAYS } from '../catalog';
import { acknowledge } from './acknowledge';

export interface StorageProps {
  /** Keep stateful resources when the stack is deleted (default true). */
  retain?: boolean;
}

/**
 * The ledger's durable state: the ledger and API-key tables (on-demand, point-in-time
 * recovery, encrypted, deletion-protected) and the payload bucket (private, TLS only,
 * encrypted, staging objects expired by lifecycle).
 */
export class Storage extends Construct {
  public readonly ledgerTable: dynamodb.TableV2;
  public readonly keysTable: dynamodb.TableV2;
  public readonly payloadBucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;

  public constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.ledgerTable = tableFrom(this, LEDGER_TABLE, retain);
    this.keysTable = tableFrom(this, KEYS_TABLE, retain);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !retain,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'This bucket receives the payload bucket access logs; logging it into itself would loop.',
    );

    this.payloadBucket = new s3.Bucket(this, 'PayloadBucket', {
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'payload-bucket/',
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !retain,
      lifecycleRules: [
        {
          id: 'expire-claim-check-staging',
          prefix: STAGING_PREFIX,
          expiration: Duration.days(STAGING_EXPIRY_DAYS),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}

function attribute(key: { name: string; type: string }): dynamodb.Attribute {
  const type =
    key.type === 'N'
      ? dynamodb.AttributeType.NUMBER
      : key.type === 'B'
        ? dynamodb.AttributeType.BINARY
        : dynamodb.AttributeType.STRING;
  return { name: key.name, type };
}

/** A TableV2 from the shared definition (the local twin builds its tables from the same one). */
function tableFrom(scope: Construct, definition: TableDefinition, retain: boolean): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, `${definition.id}Table`, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey ? attribute(definition.sortKey) : undefined,
    billing: dynamodb.Billing.onDemand(),
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: retain,
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    timeToLiveAttribute: definition.timeToLiveAttribute,
    globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
      projectionType:
        index.projection === 'ALL'
          ? dynamodb.ProjectionType.ALL
          : index.projection === 'KEYS_ONLY'
            ? dynamodb.ProjectionType.KEYS_ONLY
            : dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: typeof index.projection === 'object' ? index.projection.include : undefined,
    })),
  });
}
