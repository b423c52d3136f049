import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/** Days a failure record is kept: as long as ingest dead letters. */
export const FAILURE_RETENTION_DAYS = 14;

/**
 * Where what ran in the background and failed is kept visible (encrypted, TLS only, 14 days):
 * a scheduled job run that failed (its Lambda asynchronous invocation's on-failure destination),
 * a schedule that could not invoke its function (the schedule's dead-letter queue), and an alarm
 * or alert SNS could not deliver to a subscription (the subscription's redrive policy). An alarm
 * (Observability) fires on the first message. Unlike the ingest DLQ nothing is redriven from
 * here: a job runs again on its schedule or with `tokentrail jobs run`.
 */
export class FailureQueue extends Construct {
  public readonly queue: sqs.Queue;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(FAILURE_RETENTION_DAYS),
    });
    acknowledge(
      this.queue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter destination of failed job runs, schedules and notifications; it has none of its own.',
    );
  }
}
