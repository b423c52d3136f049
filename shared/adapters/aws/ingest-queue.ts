import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import {
  CLAIM_CHECK_THRESHOLD_BYTES,
  type ClaimCheckEnvelope,
  encodeEnvelope,
  type InlineEnvelope,
} from '../../domain/ingest/envelope';
import { STAGING_PREFIX } from '../../domain/ledger/objects';
import { ENV, requireEnv } from './config';
import { putStagingObject } from './payload-store';
import { sqs } from './sqs-client';

/** SQS accepts at most 10 entries and 1 MiB per `SendMessageBatch`. */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 1024 * 1024 - 16 * 1024;

export interface EnqueueOutcome {
  id: string;
  ok: boolean;
  /** SQS's error code for a failed entry (no payload content). */
  errorCode?: string;
}

/**
 * Sends accepted interactions to the ingest queue in `SendMessageBatch` chunks. Messages
 * larger than the claim-check threshold are first written to the staging prefix of the
 * payload bucket. Returns one outcome per envelope, in order; failures are per entry.
 *
 * @example
 * const outcomes = await enqueueEnvelopes([{ v: 1, project, id, receivedAt, interaction }]);
 */
export async function enqueueEnvelopes(envelopes: InlineEnvelope[]): Promise<EnqueueOutcome[]> {
  const queueUrl = requireEnv(ENV.ingestQueueUrl);
  const bodies = await Promise.all(envelopes.map((envelope) => messageBody(envelope)));
  const outcomes: EnqueueOutcome[] = envelopes.map((envelope) => ({ id: envelope.id, ok: false }));

  const chunks: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  bodies.forEach((body, index) => {
    const bytes = Buffer.byteLength(body);
    if (
      current.length === MAX_BATCH_ENTRIES ||
      (current.length > 0 && currentBytes + bytes > MAX_BATCH_BYTES)
    ) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) chunks.push(current);

  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        const result = await sqs().send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((index) => ({ Id: String(index), MessageBody: bodies[index]! })),
          }),
        );
        for (const entry of result.Successful ?? []) outcomes[Number(entry.Id)]!.ok = true;
        for (const entry of result.Failed ?? [])
          outcomes[Number(entry.Id)]!.errorCode = entry.Code ?? 'failed';
      } catch (error) {
        const code = error instanceof Error ? error.name : 'send_failed';
        for (const index of chunk) outcomes[index]!.errorCode = code;
      }
    }),
  );
  return outcomes;
}

async function messageBody(envelope: InlineEnvelope): Promise<string> {
  const body = encodeEnvelope(envelope);
  if (Buffer.byteLength(body) <= CLAIM_CHECK_THRESHOLD_BYTES) return body;
  const key = `${STAGING_PREFIX}${envelope.receivedAt.slice(0, 10)}/${randomUUID()}.json`;
  await putStagingObject(key, body);
  const claimCheck: ClaimCheckEnvelope = {
    v: envelope.v,
    project: envelope.project,
    id: envelope.id,
    receivedAt: envelope.receivedAt,
    claimCheck: { key },
  };
  return encodeEnvelope(claimCheck);
}
