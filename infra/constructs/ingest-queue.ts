import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_QUEUE } from '../catalog';

/**
 * The ingest queue between the API and the processor, and its dead-letter queue: encrypted,
 * TLS only, visibility 6× the processor's timeout, redrive after `maxReceiveCount` receives.
 */
export class IngestQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(INGEST_QUEUE.deadLetterRetentionDays),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(INGEST_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(INGEST_QUEUE.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INGEST_QUEUE.maxReceiveCount },
    });
  }
}
