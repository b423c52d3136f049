/**
 * Measures what one interaction costs on the table: a representative OpenAI chat completion of a
 * given serialized size goes through the real processing step (`prepareInteraction`: normalize,
 * redact, price) and becomes the item `saveInteraction` writes (brotli-compressed inline payload
 * parts, index keys), whose billed size and index projections are then computed. Only the text is
 * supplied by the caller, so the compression ratio is that of real prose, not of filler.
 */

import { join } from 'node:path';
import { ENVELOPE_VERSION, type InlineEnvelope } from '../../shared/domain/ingest/envelope';
import { interactionUpdate } from '../../shared/domain/ledger/merge';
import { INLINE_PAYLOAD_LIMIT_BYTES, inlinePart } from '../../shared/domain/ledger/record';
import { prepareInteraction } from '../../shared/domain/pipeline/prepare';
import { createRedactor } from '../../shared/domain/redaction';
import { interactionKey } from '../../shared/domain/table/keys';
import { itemBytes } from './dynamo-size';

/** Prose the representative interaction's text is cut from: a fixed file, so README edits do not move the figures. */
export const SAMPLE_TEXT_FILE = join(__dirname, 'sample-text.md');

export interface IndexShape {
  indexName: string;
  partitionKey: string;
  sortKey?: string;
  projection: 'ALL' | 'KEYS_ONLY' | { include: string[] };
}

export interface InteractionItemMeasurement {
  /** Serialized size of the interaction as sent (what `--payload-kb` sets). */
  payloadBytes: number;
  /** The queue message (ingest envelope) size. */
  envelopeBytes: number;
  /** Billed size of the table item. */
  itemBytes: number;
  /** Bytes of the compressed payload parts inside the item. */
  compressedPayloadBytes: number;
  /** True when a part exceeds the inline limit and would go to S3. */
  offloaded: boolean;
  /** Billed size of each index entry the item creates (indexes it is not in are absent). */
  indexEntryBytes: Record<string, number>;
}

/** Takes `length` bytes of `text` starting at `offset` (wrapping), cut at a character boundary. */
function slice(text: string, offset: number, length: number): string {
  let out = '';
  let position = offset % text.length;
  while (Buffer.byteLength(out) < length) {
    out += text.slice(position, position + (length - Buffer.byteLength(out)));
    position = 0;
  }
  return out;
}

/** A chat completion whose serialized form is about `payloadBytes`: system, user and assistant text from `text`. */
export function representativeInteraction(payloadBytes: number, text: string, sessionId?: string) {
  const shell = (system: string, user: string, answer: string) => ({
    provider: 'openai',
    model: 'gpt-4o-mini',
    sessionId,
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    },
    response: {
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      object: 'chat.completion',
      created: 1_764_000_000,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: Math.round(payloadBytes * 0.15),
        completion_tokens: Math.round(payloadBytes * 0.1),
        total_tokens: Math.round(payloadBytes * 0.25),
        prompt_tokens_details: { cached_tokens: 0 },
      },
    },
    latencyMs: 1234,
    startedAt: '2026-11-22T08:00:00.000Z',
    endedAt: '2026-11-22T08:00:01.234Z',
  });
  const overhead = Buffer.byteLength(JSON.stringify(shell('', '', '')));
  const budget = Math.max(0, payloadBytes - overhead);
  return shell(
    slice(text, 0, Math.round(budget * 0.15)),
    slice(text, Math.floor(text.length / 3), Math.round(budget * 0.45)),
    slice(text, Math.floor((2 * text.length) / 3), Math.round(budget * 0.4)),
  );
}

/** The representative interaction as the queue message carries it, and the item it becomes. */
export interface RepresentativeItem {
  /** The ingest envelope (queue message body). */
  envelope: InlineEnvelope;
  /** The table item `saveInteraction` writes for it as a first, completed event. */
  item: Record<string, unknown>;
  prepared: ReturnType<typeof prepareInteraction>;
}

/**
 * The item the processor stores for a representative completed interaction of about
 * `payloadBytes`: the attributes `saveInteraction` sets for a first, completed event. An
 * integration test stores the same envelope through the real processor and compares.
 *
 * @example
 * const { envelope, item } = representativeItem({ payloadBytes: 2048, text: readme, withSession: true });
 */
export function representativeItem(args: {
  payloadBytes: number;
  text: string;
  withSession: boolean;
  id?: string;
  project?: string;
  now?: Date;
}): RepresentativeItem {
  const id = args.id ?? 'chat-2026-11-22-000042';
  const project = args.project ?? 'default';
  const interaction = representativeInteraction(
    args.payloadBytes,
    args.text,
    args.withSession ? 'session-7f3a9c' : undefined,
  );
  const envelope: InlineEnvelope = {
    v: ENVELOPE_VERSION,
    project,
    id,
    receivedAt: '2026-11-22T08:00:01.500Z',
    interaction: interaction as unknown as Record<string, unknown>,
  };
  const prepared = prepareInteraction(envelope, {
    redactor: createRedactor(),
    retentionDays: 365,
    ...(args.now ? { now: args.now } : {}),
  });
  const parts = {
    requestPart: prepared.requestJson === undefined ? undefined : inlinePart(prepared.requestJson),
    responsePart: prepared.responseJson === undefined ? undefined : inlinePart(prepared.responseJson),
  };
  // Exactly what the processor's own update writes on a first, completed event.
  const item: Record<string, unknown> = {
    ...interactionKey(project, id),
    ...interactionUpdate(prepared, parts).attributes(),
  };
  return { envelope, item, prepared };
}

/**
 * The billed sizes of the item and index entries for one completed interaction of about
 * `payloadBytes`, as the processor would store it.
 *
 * @example
 * measureInteractionItem({ payloadBytes: 2048, text: readme, indexes, withSession: true }).itemBytes; // ≈ 1,780
 */
export function measureInteractionItem(args: {
  payloadBytes: number;
  text: string;
  indexes: IndexShape[];
  tablePartitionKey?: string;
  tableSortKey?: string;
  withSession: boolean;
}): InteractionItemMeasurement {
  const { envelope, item, prepared } = representativeItem(args);
  const interaction = envelope.interaction;
  const requestPart = item.requestPart as { data: Uint8Array } | undefined;
  const responsePart = item.responsePart as { data: Uint8Array } | undefined;
  const tableKeys = [args.tablePartitionKey ?? 'pk', args.tableSortKey ?? 'sk'];
  const indexEntryBytes: Record<string, number> = {};
  for (const index of args.indexes) {
    const keys = [index.partitionKey, index.sortKey].filter((key): key is string => key !== undefined);
    // A sparse index holds only items that carry its keys.
    if (keys.some((key) => item[key] === undefined)) continue;
    const projected =
      index.projection === 'ALL'
        ? Object.keys(item)
        : [...tableKeys, ...keys, ...(index.projection === 'KEYS_ONLY' ? [] : index.projection.include)];
    indexEntryBytes[index.indexName] = itemBytes(
      Object.fromEntries([...new Set(projected)].map((name) => [name, item[name]])),
    );
  }
  const compressed = (requestPart?.data.byteLength ?? 0) + (responsePart?.data.byteLength ?? 0);
  return {
    payloadBytes: Buffer.byteLength(JSON.stringify(interaction)),
    envelopeBytes: Buffer.byteLength(JSON.stringify(envelope)),
    itemBytes: itemBytes(item),
    compressedPayloadBytes: compressed,
    offloaded: [prepared.requestJson, prepared.responseJson].some(
      (json) => json !== undefined && Buffer.byteLength(json) > INLINE_PAYLOAD_LIMIT_BYTES,
    ),
    indexEntryBytes,
  };
}
