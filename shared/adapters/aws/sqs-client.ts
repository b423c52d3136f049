/**
 * The SQS client, created once per container (see clients.ts for why it has its own module).
 * The SDK module itself is loaded on first use: the processor sends to SQS only to defer a
 * record during an outage, so its cold start skips loading SQS (`require` inside a function
 * stays lazy in the esbuild bundle).
 */
import type * as Sqs from '@aws-sdk/client-sqs';

let sqsModule: typeof Sqs | undefined;
let sqsClient: Sqs.SQSClient | undefined;

/** The `@aws-sdk/client-sqs` module (its command classes), loaded on first use. */
export function sqsSdk(): typeof Sqs {
  sqsModule ??= require('@aws-sdk/client-sqs') as typeof Sqs;
  return sqsModule;
}

export function sqs(): Sqs.SQSClient {
  // Queue URLs from emulators name hosts that do not resolve; the configured endpoint is always right.
  sqsClient ??= new (sqsSdk().SQSClient)({ useQueueUrlAsEndpoint: false });
  return sqsClient;
}
