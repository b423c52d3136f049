/**
 * The stored interaction record and its API view. Money is integer nano-USD here and
 * decimal USD only in `toApiInteraction`.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { nanosToUsd } from '../money';
import type { NormalizedUsage } from '../normalize';
import { ALL_COST_AMOUNT_FIELDS, type CostBreakdown, usdAmounts } from '../pricing';
import type { RedactionCounts } from '../redaction';

/** Serialized redacted payloads above this size go to the payload bucket. */
export const INLINE_PAYLOAD_LIMIT_BYTES = 64 * 1024;

export type InteractionStatus = 'success' | 'error' | 'in_progress' | 'abandoned';

export interface TokenCounts {
  input: number;
  output: number;
  cachedInput: number;
  cacheWriteInput: number;
  reasoning: number;
}

/**
 * The redacted payload of an interaction, in two parts so that the `started` and `completed`
 * events of a lifecycle can each bring theirs: the request side and the response side.
 */
export interface InteractionPayload {
  request?: unknown;
  response?: unknown;
  metadata?: Record<string, unknown>;
  errorMessage?: string;
}

export type RequestPayload = Pick<InteractionPayload, 'request' | 'metadata'>;
export type ResponsePayload = Pick<InteractionPayload, 'response' | 'errorMessage'>;

/** Where one payload part is: inline (brotli) in the item, or an object (gzip) in the payload bucket. */
export interface PayloadPart {
  store: 'inline' | 's3';
  /** The part's JSON compressed with {@link compressInline}, when inline. */
  data?: Uint8Array;
  key?: string;
  /** Size of the part's redacted JSON, uncompressed. */
  bytes: number;
}

/** The ledger item for one interaction (keys and index attributes added by the store). */
export interface StoredInteraction {
  entity: 'interaction';
  id: string;
  project: string;
  provider: string;
  model: string;
  status: InteractionStatus;
  /** The interaction's own time: `startedAt`, else `endedAt`, else when it was received. Prices and rollups use it. */
  timestamp: string;
  receivedAt: string;
  processedAt: string;
  /** When the completion was stored; absent while in progress. */
  completedAt?: string;
  startedAt?: string;
  endedAt?: string;
  latencyMs?: number;
  /**
   * Normalized usage with every detail pricing needs (cache-write TTLs, modalities), kept for
   * repricing. The only token counts stored: `tokens` in answers and rollups is derived from it
   * (`tokenCountsOf`), which keeps the item a write unit smaller.
   */
  usage?: NormalizedUsage;
  cost: CostBreakdown;
  /**
   * What pricing used besides provider, model and usage, kept for repricing: the model priced when
   * it is not `model` (an Azure deployment's real model, a project's model map) and the response's
   * service tier.
   */
  pricedAs?: PricedAs;
  requestRedactions?: RedactionCounts;
  responseRedactions?: RedactionCounts;
  requestPart?: PayloadPart;
  responsePart?: PayloadPart;
  /** Messages observed apart from the call (OTLP log events), `{request, response}`; see {@link withContent}. */
  contentPart?: PayloadPart;
  contentRedactions?: RedactionCounts;
  errorClass?: string;
  tags?: Record<string, string>;
  sessionId?: string;
  parentId?: string;
  userId?: string;
  traceId?: string;
  batch?: boolean;
  analyze?: boolean;
  /** The offline analysis of this interaction, once its batch ended (set by the batch poller). */
  analysis?: InteractionAnalysis;
}

/** See {@link StoredInteraction.pricedAs}. */
export interface PricedAs {
  model?: string;
  serviceTier?: string;
}

/** What an interaction shows of its analysis request; cost is the analysis' own, at batch rates. */
export interface InteractionAnalysis {
  requestId: string;
  status: string;
  attempts: number;
  analyses?: string[];
  model?: string;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  completedAt?: string;
  failedAt?: string;
  /** Every billed attempt, nano-USD; never part of the interaction's own `cost`. */
  costNanos?: number;
}

/**
 * The token counts an interaction answers with, from its normalized usage.
 *
 * @example
 * tokenCountsOf({ inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, cacheWriteInputTokens: 0, reasoningTokens: 0 });
 * // { input: 1200, output: 300, cachedInput: 1024, cacheWriteInput: 0, reasoning: 0 }
 */
export function tokenCountsOf(usage: Partial<NormalizedUsage> | undefined): TokenCounts | undefined {
  if (!usage) return undefined;
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  return {
    input: count(usage.inputTokens),
    output: count(usage.outputTokens),
    cachedInput: count(usage.cachedInputTokens),
    cacheWriteInput: count(usage.cacheWriteInputTokens),
    reasoning: count(usage.reasoningTokens),
  };
}

/**
 * Redaction counts as stored: none (the common case) is no attribute rather than an empty map,
 * and reads back as none.
 *
 * @example
 * storedCounts({}); // undefined
 * storedCounts({ EMAIL: 1 }); // { EMAIL: 1 }
 */
export const storedCounts = (counts: RedactionCounts | undefined): RedactionCounts | undefined =>
  counts && Object.keys(counts).length > 0 ? counts : undefined;

/** Redaction counts of every part, summed. */
export function redactionsOf(
  record: Pick<StoredInteraction, 'requestRedactions' | 'responseRedactions' | 'contentRedactions'>,
): RedactionCounts {
  return sumCounts(record.requestRedactions, record.responseRedactions, record.contentRedactions);
}

/**
 * Counts summed by type.
 *
 * @example
 * sumCounts({ EMAIL: 1 }, undefined, { EMAIL: 2, PHONE: 1 }); // { EMAIL: 3, PHONE: 1 }
 */
export function sumCounts(...all: (RedactionCounts | undefined)[]): RedactionCounts {
  const total: RedactionCounts = {};
  for (const counts of all) {
    for (const [type, n] of Object.entries(counts ?? {})) total[type] = (total[type] ?? 0) + n;
  }
  return total;
}

/**
 * The payload with the content observed apart from the call (OTLP log events) where the call's
 * own events carried none: request and response messages (and system instructions), each only
 * when missing, so whichever arrived first the record reads the same.
 *
 * @example
 * withContent({ request: { model: 'gpt-4o' } }, { request: { messages: [{ role: 'user', content: 'Hi' }] } });
 * // { request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] } }
 */
export function withContent(
  payload: InteractionPayload,
  content: Record<string, unknown>,
): InteractionPayload {
  const merged: InteractionPayload = { ...payload };
  for (const side of ['request', 'response'] as const) {
    const observed = content[side];
    if (!observed || typeof observed !== 'object') continue;
    const own = merged[side];
    if (own === undefined || own === null) {
      merged[side] = observed;
    } else if (typeof own === 'object' && !Array.isArray(own)) {
      const filled: Record<string, unknown> = { ...(own as Record<string, unknown>) };
      for (const [key, value] of Object.entries(observed)) if (filled[key] === undefined) filled[key] = value;
      merged[side] = filled;
    }
  }
  return merged;
}

/** Up to this size an inline part gets brotli's slow, dense setting (about 1 ms per 1 KB part). */
const DENSE_INLINE_BYTES = 16 * 1024;

/**
 * Compresses an inline payload part. Brotli rather than gzip: its built-in dictionary of common
 * words and markup pays off on the small texts of chat payloads (a 1 KB part: about 450 bytes
 * against gzip's 575), and the item is billed per started kilobyte. Quality 10 on small parts,
 * 5 on large ones, where the slow setting would cost milliseconds for little gain.
 *
 * @example
 * const data = compressInline(JSON.stringify(request)); // stored as the part's `data`
 */
export function compressInline(json: string): Uint8Array {
  const bytes = Buffer.from(json, 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      // 4 MB window, brotli's default, pinned: decompressPayload relies on it (see there).
      [constants.BROTLI_PARAM_LGWIN]: 22,
      [constants.BROTLI_PARAM_QUALITY]: bytes.length <= DENSE_INLINE_BYTES ? 10 : 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/**
 * A payload part stored inline in the item: its JSON compressed with {@link compressInline}.
 *
 * @example
 * inlinePart('{"messages":[]}'); // { store: 'inline', data: <brotli bytes>, bytes: 15 }
 */
export const inlinePart = (json: string): PayloadPart => ({
  store: 'inline',
  data: compressInline(json),
  bytes: Buffer.byteLength(json),
});

/**
 * Compresses a part for the payload bucket: gzip, the format S3 serves with
 * `Content-Encoding: gzip` and every tool an auditor uses reads.
 *
 * @example
 * await putPayloadObject(key, compressForBucket(json));
 */
export const compressForBucket = (json: string): Uint8Array => gzipSync(Buffer.from(json, 'utf8'));

/**
 * The JSON text of a compressed part, inline or from the bucket: gzip (its magic bytes
 * `1f 8b 08`) or brotli. A brotli stream never starts with them: its first byte encodes the
 * window size, and `1f` would mean a 16 MB window, beyond the 4 MB we use.
 *
 * @example
 * decompressPayload(compressInline('{"a":1}')); // '{"a":1}'
 */
export function decompressPayload(bytes: Uint8Array): string {
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
  return (gzip ? gunzipSync(bytes) : brotliDecompressSync(bytes)).toString('utf8');
}

/**
 * The API view of a record (`GET /v1/interactions/{id}`), with the payload when given.
 *
 * @example
 * const body = toApiInteraction(record, { request, response });
 */
export function toApiInteraction(
  record: StoredInteraction,
  payload?: InteractionPayload,
): Record<string, unknown> {
  const { cost } = record;
  return {
    id: record.id,
    project: record.project,
    provider: record.provider,
    model: record.model,
    status: record.status,
    timestamp: record.timestamp,
    receivedAt: record.receivedAt,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    latencyMs: record.latencyMs,
    sessionId: record.sessionId,
    parentId: record.parentId,
    userId: record.userId,
    traceId: record.traceId,
    batch: record.batch,
    tags: record.tags,
    errorClass: record.errorClass,
    tokens: tokenCountsOf(record.usage) ?? null,
    cost: toApiCost(cost),
    redactions: redactionsOf(record),
    payloadStore: [record.requestPart, record.responsePart, record.contentPart].some(
      (part) => part?.store === 's3',
    )
      ? 's3'
      : 'inline',
    payloadBytes:
      (record.requestPart?.bytes ?? 0) + (record.responsePart?.bytes ?? 0) + (record.contentPart?.bytes ?? 0),
    ...(payload ? { request: payload.request, response: payload.response, metadata: payload.metadata } : {}),
    ...(payload?.errorMessage !== undefined ? { errorMessage: payload.errorMessage } : {}),
    ...(record.analysis ? { analysis: toApiAnalysis(record.analysis) } : {}),
  };
}

/**
 * The API view of a cost. An unpriced interaction answers `null` for every amount: its cost is
 * unknown, not $0.
 *
 * @example
 * toApiCost({ priced: false, unpricedReason: 'unknown_model', ... }).totalUsd; // null
 */
export function toApiCost(cost: CostBreakdown): Record<string, unknown> {
  const usd = (nanos: number) => (cost.priced ? nanosToUsd(nanos) : null);
  return {
    priced: cost.priced,
    currency: cost.currency,
    ...usdAmounts(cost, ALL_COST_AMOUNT_FIELDS, usd),
    totalNanoUsd: cost.priced ? cost.totalNanos : null,
    ruleId: cost.ruleId ?? null,
    ruleVersion: cost.ruleVersion ?? null,
    ...(cost.serviceTier ? { serviceTier: cost.serviceTier } : {}),
    unpricedReason: cost.unpricedReason,
  };
}

function toApiAnalysis({ costNanos, ...analysis }: InteractionAnalysis): Record<string, unknown> {
  return {
    ...analysis,
    cost: { totalUsd: nanosToUsd(costNanos ?? 0), totalNanoUsd: costNanos ?? 0, batch: true },
  };
}
