/**
 * The DynamoDB document client, created once per container. Every function reads the table,
 * so it lives here; SQS and S3 have their own modules (sqs-client.ts, s3-client.ts) so that
 * only the functions that use them load them (each SDK client adds to a cold start).
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local
 * twin sets to the emulators.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  // Bounded waits: a DynamoDB that hangs fails the call (and the processor defers the record)
  // instead of holding the invocation until its own timeout.
  const client = new DynamoDBClient({ requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 } });
  documentClient = DynamoDBDocumentClient.from(client, {
    // convertClassInstanceToMap: a map whose own key is `constructor` (a client's tag name) would
    // otherwise look like a class instance to the marshaller and fail the write.
    marshallOptions: {
      removeUndefinedValues: true,
      convertEmptyValues: false,
      convertClassInstanceToMap: true,
    },
  });
  return documentClient;
}
