/**
 * Polls an SQS queue the way a Lambda event source mapping does: gathers up to `batchSize`
 * messages within the batching window, invokes the handler with an SQS event, deletes what
 * succeeded, and leaves `batchItemFailures` on the queue to be received again. The queue's
 * redrive policy (maxReceiveCount → DLQ) is enforced by the queue itself, as in AWS.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueTriggerSpec } from '../catalog';
import { lambdaContext } from './api-gateway';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  functionName: string;
  queueUrl: string;
  queueArn: string;
  trigger: QueueTriggerSpec;
  handler: SqsHandler;
  timeoutSeconds: number;
  /**
   * Seconds before a failed message is received again. AWS waits for the visibility timeout;
   * locally a short delay keeps retries (and redrive to the DLQ) quick.
   */
  retryDelaySeconds?: number;
  onError?: (error: unknown) => void;
}

export class LocalEventSource {
  private readonly sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = 0;

  public constructor(private readonly options: EventSourceOptions) {}

  public start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.sqs.destroy();
  }

  /** Resolves when the queue has no visible or in-flight messages and no invocation is running. */
  public async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Attributes } = await this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.options.queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const pending =
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
      if (pending === 0 && this.inFlight === 0) return;
      await sleep(50);
    }
    throw new Error(`queue of ${this.options.functionName} did not drain within ${timeoutMs} ms`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.gather();
        if (messages.length > 0) await this.invoke(messages);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(500);
      }
    }
  }

  private async gather(): Promise<Message[]> {
    const { batchSize, maxBatchingWindowSeconds } = this.options.trigger;
    const messages: Message[] = [];
    const windowEnds = Date.now() + maxBatchingWindowSeconds * 1000;
    while (this.running && messages.length < batchSize) {
      const waitSeconds = messages.length === 0 ? 1 : 0;
      const { Messages } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - messages.length),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages?.length) {
        messages.push(...Messages);
        this.inFlight += Messages.length;
      } else if (messages.length > 0 && Date.now() >= windowEnds) {
        break;
      } else if (messages.length > 0) {
        await sleep(50);
      }
      if (messages.length > 0 && Date.now() >= windowEnds) break;
    }
    return messages;
  }

  private async invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body ?? '',
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: message.Attributes?.SenderId ?? 'local',
          ApproximateFirstReceiveTimestamp:
            message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        },
        // As Lambda hands them over: the processor reads its deferral count from one.
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            { dataType: value.DataType ?? 'String', stringValue: value.StringValue },
          ]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: this.options.queueArn,
        awsRegion: 'us-east-1',
      })),
    };
    let failedIds: Set<string>;
    try {
      const response = await this.options.handler(
        event,
        lambdaContext(this.options.functionName, this.options.timeoutSeconds),
      );
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A thrown invocation fails the whole batch, as in AWS.
      this.options.onError?.(error);
      failedIds = new Set(messages.map((message) => message.MessageId!));
    }
    try {
      const succeeded = messages.filter((message) => !failedIds.has(message.MessageId!));
      const failed = messages.filter((message) => failedIds.has(message.MessageId!));
      for (let i = 0; i < succeeded.length; i += 10) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: succeeded
              .slice(i, i + 10)
              .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
      for (let i = 0; i < failed.length; i += 10) {
        await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: failed.slice(i, i + 10).map((m, j) => ({
              Id: String(j),
              ReceiptHandle: m.ReceiptHandle!,
              VisibilityTimeout: this.options.retryDelaySeconds ?? 1,
            })),
          }),
        );
      }
    } finally {
      this.inFlight -= messages.length;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
