/**
 * Backing off from a dependency outage without spending a message's receive budget: the record is
 * sent to the ingest queue again with a delay, and the original is then reported processed. SQS
 * counts receives per message, so a new copy starts from zero, and only records that are bad in
 * themselves ever reach the DLQ. The processor's conditional writes make the copy idempotent.
 */
import type { SQSRecord } from 'aws-lambda';
import { TUNING_ENV } from '../../domain/env-names';
import { ENV, requireEnv } from './config';
import { sqs, sqsSdk } from './sqs-client';

/** Message attribute counting how often a record was deferred (for the backoff, and for logs). */
export const DEFERRALS_ATTRIBUTE = 'tokentrail-deferrals';

/** SQS's largest message delay. */
const MAX_DELAY_SECONDS = 900;
/** First delay; doubled per deferral (with full jitter) up to the maximum. */
const BASE_DELAY_SECONDS = 5;

/** The most a deferral waits: `PROCESS_DEFER_MAX_SECONDS` (tests shorten it), at most 900. */
function maxDelaySeconds(): number {
  const configured = Number(process.env[TUNING_ENV.processDeferMaxSeconds]);
  return Number.isFinite(configured) && configured >= 0
    ? Math.min(configured, MAX_DELAY_SECONDS)
    : MAX_DELAY_SECONDS;
}

/** Exponential backoff with full jitter: a random delay up to `min(max, base × 2^deferrals)`. */
export function deferralDelaySeconds(deferrals: number, random = Math.random): number {
  const ceiling = Math.min(maxDelaySeconds(), BASE_DELAY_SECONDS * 2 ** Math.min(deferrals, 20));
  return Math.round(random() * ceiling);
}

/** How often this record was deferred already. */
export function deferralsOf(record: SQSRecord): number {
  const value = Number(record.messageAttributes?.[DEFERRALS_ATTRIBUTE]?.stringValue ?? 0);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * Sends a copy of the record to the ingest queue, delayed by the backoff. Throws when the send
 * fails (then the record takes the ordinary retry path).
 *
 * @example
 * if (isTransientDependencyError(error)) await deferRecord(record); // and report it processed
 */
export async function deferRecord(record: SQSRecord): Promise<{ delaySeconds: number; deferrals: number }> {
  const deferrals = deferralsOf(record) + 1;
  const delaySeconds = deferralDelaySeconds(deferrals - 1);
  await sqs().send(
    new (sqsSdk().SendMessageCommand)({
      QueueUrl: requireEnv(ENV.ingestQueueUrl),
      MessageBody: record.body,
      DelaySeconds: delaySeconds,
      MessageAttributes: {
        [DEFERRALS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(deferrals) },
      },
    }),
  );
  return { delaySeconds, deferrals };
}
