/**
 * The SQS client, created once per container (see clients.ts for why it has its own module).
 * The SDK module itself is loaded on first use: the processor sends to SQS only to defer a
 * record during an outage, so its cold start skips loading SQS.
 */
import type * as Sqs from '@aws-sdk/client-sqs';
import { onFirstUse } from './on-first-use';

/** The `@aws-sdk/client-sqs` module (its command classes), loaded on first use. */
export const sqsSdk = onFirstUse(() => require('@aws-sdk/client-sqs') as typeof Sqs);

// Queue URLs from emulators name hosts that do not resolve; the configured endpoint is always right.
export const sqs = onFirstUse(
  (): Sqs.SQSClient => new (sqsSdk().SQSClient)({ useQueueUrlAsEndpoint: false }),
);
