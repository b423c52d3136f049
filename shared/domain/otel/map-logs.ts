/**
 * OTLP/HTTP log exports → the content of the calls their GenAI events describe. Pure domain code.
 *
 * OpenTelemetry's GenAI instrumentations put message content in log events rather than on the
 * span unless span content is opted in: `gen_ai.system.message`, `gen_ai.user.message`,
 * `gen_ai.assistant.message`, `gen_ai.tool.message` (request side) and `gen_ai.choice` (answer),
 * or one `gen_ai.client.inference.operation.details` event with `gen_ai.input.messages` and
 * `gen_ai.output.messages`. Each event carries its span's trace and span id, so the events of one
 * span become one `content` item for the span's interaction (`otel-<traceId>-<spanId>`), which
 * the ledger merges whichever of span and events arrives first.
 */
import * as z from 'zod';
import { toInputIssues } from '../interaction/schema';
import { InvalidOtlpRequestError } from './errors';
import { ATTR, firstString, firstValue, parseStructured, toTokentrailProvider } from './genai';
import { type OtlpInteraction, otelInteractionId, type RejectedSpan } from './map-traces';
import { type AttributeValue, decodeAnyValue, decodeAttributes, otlpKeyValueSchema } from './otlp-json';

const logRecordSchema = z.looseObject({
  timeUnixNano: z.union([z.string(), z.number()]).optional(),
  observedTimeUnixNano: z.union([z.string(), z.number()]).optional(),
  eventName: z.string().optional(),
  body: z.unknown().optional(),
  attributes: z.array(otlpKeyValueSchema).optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
});

/** The envelope of an OTLP/JSON `ExportLogsServiceRequest` (records are checked one by one). */
export const otlpExportLogsRequestSchema = z.looseObject({
  resourceLogs: z
    .array(
      z.looseObject({
        resource: z.looseObject({ attributes: z.array(otlpKeyValueSchema).optional() }).optional(),
        scopeLogs: z.array(z.looseObject({ logRecords: z.array(z.unknown()).optional() })).optional(),
      }),
    )
    .optional(),
});

export interface OtlpLogsMappingResult {
  /** One `content` item per span that GenAI events were recorded for. */
  interactions: OtlpInteraction[];
  /** Log records that are not GenAI events: accepted and dropped. */
  ignoredLogRecords: number;
  /** GenAI events that cannot be attached (no valid trace and span id); count them as `rejectedLogRecords`. */
  rejected: RejectedSpan[];
}

/** Log records one export request may carry (SDK exporters send at most 512). */
export const MAX_LOG_RECORDS_PER_EXPORT = 10_000;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const REQUEST_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE_EVENT = 'gen_ai.choice';
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

interface SpanContent {
  traceId: string;
  spanId: string;
  provider?: string;
  system?: unknown;
  input: unknown[];
  output: unknown[];
}

/**
 * Maps an OTLP/HTTP JSON `ExportLogsServiceRequest` to `content` items, one per span.
 *
 * @throws {InvalidOtlpRequestError} when the body is not a logs export, or carries more than
 *   {@link MAX_LOG_RECORDS_PER_EXPORT} records.
 * @example
 * const { interactions } = mapOtlpLogs(JSON.parse(body));
 * // [{ id: 'otel-5b8e…-eee1…', phase: 'content', provider: 'openai', request: { messages: [...] }, response: { messages: [...] } }]
 */
export function mapOtlpLogs(body: unknown): OtlpLogsMappingResult {
  const envelope = otlpExportLogsRequestSchema.safeParse(body);
  if (!envelope.success) throw new InvalidOtlpRequestError(toInputIssues(envelope.error), 'logs export');
  const records = (envelope.data.resourceLogs ?? []).flatMap((resourceLogs) =>
    (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) => scopeLogs.logRecords ?? []),
  );
  if (records.length > MAX_LOG_RECORDS_PER_EXPORT) {
    throw new InvalidOtlpRequestError(
      [
        {
          path: 'resourceLogs',
          message: `${records.length} log records in one export; at most ${MAX_LOG_RECORDS_PER_EXPORT} (send smaller batches)`,
        },
      ],
      'logs export',
    );
  }

  const result: OtlpLogsMappingResult = { interactions: [], ignoredLogRecords: 0, rejected: [] };
  const bySpan = new Map<string, SpanContent>();
  for (const raw of records) {
    const parsed = logRecordSchema.safeParse(raw);
    if (!parsed.success) {
      result.rejected.push({ spanId: '', reason: 'malformed log record' });
      continue;
    }
    const record = parsed.data;
    const attributes = decodeAttributes(record.attributes);
    const name = record.eventName || firstString(attributes, ['event.name']);
    if (name === undefined || !name.startsWith('gen_ai.')) {
      result.ignoredLogRecords += 1;
      continue;
    }
    const traceId = record.traceId?.toLowerCase() ?? '';
    const spanId = record.spanId?.toLowerCase() ?? '';
    if (!TRACE_ID.test(traceId) || /^0+$/.test(traceId) || !SPAN_ID.test(spanId) || /^0+$/.test(spanId)) {
      result.rejected.push({ spanId, reason: `${name} event without its span's traceId and spanId` });
      continue;
    }
    const key = `${traceId}/${spanId}`;
    let content = bySpan.get(key);
    if (!content) {
      content = { traceId, spanId, input: [], output: [] };
      bySpan.set(key, content);
    }
    content.provider ??= firstString(attributes, ATTR.providerName);
    addEvent(content, name, attributes, record.body === undefined ? undefined : decodeAnyValue(record.body));
  }

  for (const content of bySpan.values()) {
    if (content.input.length === 0 && content.output.length === 0 && content.system === undefined) continue;
    result.interactions.push({
      id: otelInteractionId(content.traceId, content.spanId),
      provider: toTokentrailProvider(content.provider),
      phase: 'content',
      traceId: content.traceId,
      request: definedEntries({
        systemInstructions: content.system,
        messages: content.input.length > 0 ? content.input : undefined,
      }),
      ...(content.output.length > 0 ? { response: { messages: content.output } } : {}),
    } as OtlpInteraction);
  }
  return result;
}

function addEvent(
  content: SpanContent,
  name: string,
  attributes: ReadonlyMap<string, AttributeValue>,
  body: AttributeValue | undefined,
): void {
  const role = REQUEST_EVENTS[name];
  if (role !== undefined) {
    content.input.push({ role, ...asObject(body) });
  } else if (name === CHOICE_EVENT) {
    content.output.push(asObject(body));
  } else if (name === DETAILS_EVENT) {
    const input = parseStructured(firstValue(attributes, ATTR.inputMessages));
    const output = parseStructured(firstValue(attributes, ATTR.outputMessages));
    const system = parseStructured(firstValue(attributes, ATTR.systemInstructions));
    if (Array.isArray(input)) content.input.push(...input);
    if (Array.isArray(output)) content.output.push(...output);
    if (system !== undefined) content.system = system;
  }
}

/** An event body as an object: a kvlist as is, anything else (a bare string) as `{content}`. */
function asObject(body: AttributeValue | undefined): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body;
  return body === undefined || body === null ? {} : { content: body };
}

function definedEntries(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
