/** SQS records as the event source mapping hands them to the processor. */
import type { SQSRecord } from 'aws-lambda';

/**
 * One ingest-queue record carrying `body` (serialized unless already a string).
 *
 * @example
 * await processRecord(sqsRecord(envelope, 'm-1'), {});
 */
export function sqsRecord(body: unknown, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
    awsRegion: 'us-east-1',
  };
}
