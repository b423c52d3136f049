/**
 * Dead-letter queue tools: look at what is in the DLQ without reading it out loud, and move it
 * back to the ingest queue once the cause is fixed. Dead letters are unredacted transport, so
 * nothing here returns a message body: only ids, receive counts, times and sizes (and the
 * interaction id, an identifier the logs carry too, when the body is an ingest envelope).
 *
 * Both work with plain SQS calls (receive → send → delete), so they behave the same against
 * fauxqs locally and SQS in AWS.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { envelopeSchema } from '../../domain/ingest/envelope';
import { sqs } from './sqs-client';

/** What `dlq list` shows of one dead letter. */
export interface DeadLetterSummary {
  messageId: string;
  /** Receives so far, this listing's included (SQS counts every receive). */
  receiveCount: number;
  /** When the message was first sent to the ingest queue (SQS keeps it across the move to the DLQ). */
  sentAt: string;
  sizeBytes: number;
  /** The envelope's interaction id and project when the body is one; absent for a body that is not. */
  interactionId?: string;
  project?: string;
}

export interface RedriveResult {
  moved: number;
  /** Messages whose send failed; they stay in the DLQ (visible again at once). */
  failed: number;
}

/** Long enough to finish one page (send + delete); short, so a crash hides a message only briefly. */
const IN_HAND_SECONDS = 30;
/**
 * Visibility a released message gets. Not 0: the local SQS emulator (fauxqs, persisting to disk
 * as `npm start` runs it) fails a change to 0 half-way and loses the message until it restarts;
 * 1 s behaves the same on AWS and locally, and an operator cannot tell the difference.
 */
const RELEASE_SECONDS = 1;
/** Long-poll of each receive: longer than a release, so a listing just before never hides a message. */
const RECEIVE_WAIT_SECONDS = RELEASE_SECONDS + 1;
const PAGE = 10;

async function receivePage(queueUrl: string, max: number): Promise<Message[]> {
  const { Messages } = await sqs().send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(PAGE, max),
      VisibilityTimeout: IN_HAND_SECONDS,
      // A short long-poll: SQS's short polls may answer empty while messages exist.
      WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

/**
 * Makes messages visible again within {@link RELEASE_SECONDS} (after a listing, or when their
 * send failed). An entry SQS refuses stays hidden until its in-hand time ends; that is reported.
 *
 * @throws {Error} naming how many messages could not be released.
 */
async function release(queueUrl: string, messages: Message[]): Promise<void> {
  let refused = 0;
  for (let start = 0; start < messages.length; start += PAGE) {
    const chunk = messages.slice(start, start + PAGE);
    const { Failed } = await sqs().send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle!,
          VisibilityTimeout: RELEASE_SECONDS,
        })),
      }),
    );
    refused += Failed?.length ?? 0;
  }
  if (refused > 0) {
    throw new Error(
      `${refused} message(s) could not be released; they are visible again within ${IN_HAND_SECONDS} s`,
    );
  }
}

function summarize(message: Message): DeadLetterSummary {
  const body = message.Body ?? '';
  const summary: DeadLetterSummary = {
    messageId: message.MessageId!,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
    sizeBytes: Buffer.byteLength(body),
  };
  try {
    const envelope = envelopeSchema.safeParse(JSON.parse(body));
    if (envelope.success) {
      summary.interactionId = envelope.data.id;
      summary.project = envelope.data.project;
    }
  } catch {
    // Not JSON: nothing but its size is shown.
  }
  return summary;
}

/**
 * Summaries of up to `max` dead letters, in the order SQS hands them out. Every message is
 * received once and released again at the end, so the listing leaves the DLQ as it found it
 * (apart from receive counts).
 *
 * @example
 * const letters = await listDeadLetters(process.env.DEAD_LETTER_QUEUE_URL!, 100);
 * // [{ messageId: '…', receiveCount: 6, sentAt: '2026-11-22T08:00:00.000Z', sizeBytes: 2311, interactionId: 'chat-42', project: 'default' }]
 */
export async function listDeadLetters(queueUrl: string, max = 1000): Promise<DeadLetterSummary[]> {
  const inHand = new Map<string, Message>();
  try {
    while (inHand.size < max) {
      const page = await receivePage(queueUrl, max - inHand.size);
      const fresh = page.filter((message) => !inHand.has(message.MessageId!));
      if (fresh.length === 0) break;
      for (const message of fresh) inHand.set(message.MessageId!, message);
    }
  } finally {
    await release(queueUrl, [...inHand.values()]);
  }
  return [...inHand.values()].map(summarize);
}

/**
 * Moves up to `max` dead letters back to the ingest queue, page by page: each message is sent
 * first and deleted from the DLQ only once the send succeeded, so a crash can at worst leave a
 * copy in both queues (the processor's conditional writes store it once) and never loses one.
 * A message whose send failed is released and stays in the DLQ.
 *
 * @example
 * await redriveDeadLetters({ from: dlqUrl, to: ingestQueueUrl }); // { moved: 3, failed: 0 }
 */
export async function redriveDeadLetters(args: {
  from: string;
  to: string;
  max?: number;
  /** Only these message ids (others are released untouched); all when absent. */
  messageIds?: ReadonlySet<string>;
}): Promise<RedriveResult> {
  const max = args.max ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { moved: 0, failed: 0 };
  const skipped: Message[] = [];
  const seen = new Set<string>();
  try {
    while (result.moved + result.failed < max) {
      const page = (await receivePage(args.from, Math.min(PAGE, max - result.moved - result.failed))).filter(
        (message) => !seen.has(message.MessageId!),
      );
      if (page.length === 0) break;
      for (const message of page) seen.add(message.MessageId!);
      const chosen = page.filter((message) => !args.messageIds || args.messageIds.has(message.MessageId!));
      skipped.push(...page.filter((message) => !chosen.includes(message)));
      if (chosen.length === 0) continue;

      const sent = await sqs().send(
        new SendMessageBatchCommand({
          QueueUrl: args.to,
          Entries: chosen.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body!,
            MessageAttributes: message.MessageAttributes,
          })),
        }),
      );
      const succeeded = (sent.Successful ?? []).map((entry) => chosen[Number(entry.Id)]!);
      const failed = chosen.filter((message) => !succeeded.includes(message));
      if (succeeded.length > 0) {
        await sqs().send(
          new DeleteMessageBatchCommand({
            QueueUrl: args.from,
            Entries: succeeded.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle!,
            })),
          }),
        );
      }
      if (failed.length > 0) await release(args.from, failed);
      result.moved += succeeded.length;
      result.failed += failed.length;
    }
  } finally {
    await release(args.from, skipped);
  }
  return result;
}
