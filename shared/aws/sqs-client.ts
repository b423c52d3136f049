/** The SQS client, created once per container (see clients.ts for why it has its own module). */
import { SQSClient } from '@aws-sdk/client-sqs';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  // Queue URLs from emulators name hosts that do not resolve; the configured endpoint is always right.
  sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqsClient;
}
