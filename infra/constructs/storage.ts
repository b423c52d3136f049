import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ROLLUP_RUN_EXPIRY_DAYS,
  ROLLUP_RUN_PREFIX,
  STAGING_PREFIX,
} from '../../shared/domain/ledger/objects';
import { KEYS_TABLE, LEDGER_TABLE, type TableDefinition } from '../../shared/domain/table/layout';
import { STAGING_EXPIRY_DAYS } from '../catalog';
import { DEFAULT_SCALE_SETTINGS, type ScaleSettings } from '../scale-settings';
import type { StorageResources } from './scope';

export interface StorageProps {
  /** Keep stateful resources when the stack is deleted. @default true */
  readonly retain?: boolean;
  /**
   * `on-demand` or `provisioned` with auto-scaling (context `tokentrail:billing`).
   * Provisioned capacity at the 70% target costs about 40% of on-demand per write at steady
   * traffic (see `npm run cost-model`); on-demand absorbs spikes without planning.
   * @default 'on-demand'
   */
  readonly billing?: 'on-demand' | 'provisioned';
  /**
   * Provisioned floors and ceilings per table and index: scheduled readers start on the floor
   * before auto-scaling reacts, and the ceiling bounds the bill (provisioned only).
   * @default DEFAULT_SCALE_SETTINGS
   */
  readonly capacity?: Pick<
    ScaleSettings,
    'minReadCapacity' | 'minWriteCapacity' | 'maxReadCapacity' | 'maxWriteCapacity'
  >;
}

/**
 * The ledger's durable state: the ledger and API-key tables (on-demand, point-in-time
 * recovery, encrypted, deletion-protected) and the payload bucket (private, TLS only,
 * encrypted, staging objects expired by lifecycle).
 */
export class Storage extends Construct implements StorageResources {
  public readonly ledgerTable: dynamodb.TableV2;
  public readonly keysTable: dynamodb.TableV2;
  public readonly payloadBucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;

  public constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    // Grant log delivery by bucket policy, not ACL, whatever the app's feature flags say
    // (the access-log bucket has ACLs disabled).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const retain = props.retain ?? true;
    const capacity = props.capacity ?? DEFAULT_SCALE_SETTINGS;
    const billing =
      props.billing === 'provisioned'
        ? dynamodb.Billing.provisioned({
            readCapacity: dynamodb.Capacity.autoscaled({
              minCapacity: capacity.minReadCapacity,
              maxCapacity: capacity.maxReadCapacity,
              targetUtilizationPercent: 70,
            }),
            writeCapacity: dynamodb.Capacity.autoscaled({
              minCapacity: capacity.minWriteCapacity,
              maxCapacity: capacity.maxWriteCapacity,
              targetUtilizationPercent: 70,
            }),
          })
        : dynamodb.Billing.onDemand();
    this.ledgerTable = tableFrom(this, LEDGER_TABLE, retain, billing);
    this.keysTable = tableFrom(this, KEYS_TABLE, retain, billing);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // No ACLs: S3 server access logging delivers by bucket policy (logging.s3.amazonaws.com).
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !retain,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });

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
        {
          id: 'expire-rollup-runs',
          prefix: ROLLUP_RUN_PREFIX,
          expiration: Duration.days(ROLLUP_RUN_EXPIRY_DAYS),
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
function tableFrom(
  scope: Construct,
  definition: TableDefinition,
  retain: boolean,
  billing: dynamodb.Billing = dynamodb.Billing.onDemand(),
): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, `${definition.id}Table`, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey ? attribute(definition.sortKey) : undefined,
    billing,
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
