/**
 * OTLP/HTTP JSON trace exports → interaction inputs. Pure domain code (no AWS, no network):
 * the `POST /v1/traces` handler parses the body, calls {@link mapOtlpTraces} and ingests the
 * interactions exactly like `POST /v1/interactions` items.
 */
import type * as z from 'zod';
import { interactionInputSchema, toInputIssues } from '../interaction/schema';
import {
  contextAttributes,
  contextTags,
  isLibraryWrapper,
  vercelResponseMessages,
  withLibraryUsage,
  withoutVectors,
} from './dialects';
import { InvalidOtlpRequestError } from './errors';
import {
  ATTR,
  FLATTENED_MESSAGES,
  firstCount,
  firstString,
  firstValue,
  MODEL_CALL_SPAN_KINDS,
  NON_MODEL_OPERATIONS,
  OPERATION_DETAILS_EVENT,
  parseStructured,
  toTokentrailProvider,
  unflattenList,
} from './genai';
import {
  type AttributeValue,
  decodeAttributes,
  type OtlpSpan,
  otlpExportTraceRequestSchema,
  otlpSpanSchema,
  unixNanoToBigInt,
  unixNanoToIso,
} from './otlp-json';

/** An interaction input as `parseInteraction` accepts it (the `POST /v1/interactions` item shape). */
export type OtlpInteraction = z.input<typeof interactionInputSchema>;

/** A span that looked like a model call but cannot become an interaction. */
export interface RejectedSpan {
  /** The span id as sent (hex), or `''` when the span had none. */
  spanId: string;
  reason: string;
}

export interface OtlpMappingResult {
  /** One interaction per GenAI model-call span, in request order. */
  interactions: OtlpInteraction[];
  /** Spans that are not model calls (HTTP, database, agent and tool spans…): accepted and dropped. */
  ignoredSpans: number;
  /** Spans that are model calls (or malformed) and could not be mapped; count them as OTLP `rejectedSpans`. */
  rejected: RejectedSpan[];
}

/** Where a span came from: its resource's and scope's attributes. */
export interface SpanOrigin {
  resource: ReadonlyMap<string, AttributeValue>;
  scope?: { name?: string; version?: string };
  /**
   * Session, user and application key/values recorded on the span's ancestors in the same export
   * (nearest first); the span's own attributes win. ai 7's `OpenTelemetry` integration, for one,
   * records the runtime context on the agent span only.
   */
  inherited?: ReadonlyMap<string, AttributeValue>;
  /** True when a model-call span of the same export is this span's child: this span wraps it and repeats its usage. */
  wrapsModelCall?: boolean;
}

export type SpanMapping =
  | { outcome: 'interaction'; interaction: OtlpInteraction }
  | { outcome: 'ignored' }
  | { outcome: 'rejected'; reason: string };

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const STATUS_CODE_ERROR = 2;
const MAX_ERROR_MESSAGE = 16_384;
const MAX_SHORT_TEXT = 256;

/**
 * The interaction id of a span: `otel-<traceId>-<spanId>` (lower-case hex). Span ids are only
 * unique within their trace, so both are part of the key; re-exporting the same span (exporter
 * retries, collector fan-out) yields the same id, which makes OTLP ingestion idempotent.
 *
 * @example
 * otelInteractionId('5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174');
 * // 'otel-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174'
 */
export function otelInteractionId(traceId: string, spanId: string): string {
  return `otel-${traceId.toLowerCase()}-${spanId.toLowerCase()}`;
}

/** Spans one export request may carry. */
export const MAX_SPANS_PER_EXPORT = 10_000;

/**
 * Maps an OTLP/HTTP JSON `ExportTraceServiceRequest` to interaction inputs.
 *
 * - Model-call spans (with a `gen_ai.*` or `llm.*` model attribute) become interactions with
 *   `id` = {@link otelInteractionId}, `parentId` from the parent span, `traceId`, usage,
 *   request/response payloads, status and timing.
 * - Other spans, and agent/tool spans that would count their children's tokens twice, are
 *   counted in `ignoredSpans`.
 * - Model-call spans that cannot be mapped (bad ids, impossible timing, invalid token counts)
 *   are listed in `rejected` with a reason; the rest of the request still maps.
 *
 * @throws {InvalidOtlpRequestError} when the body is not an export request at all, or carries
 *   more than {@link MAX_SPANS_PER_EXPORT} spans.
 * @example
 * const { interactions, ignoredSpans, rejected } = mapOtlpTraces(JSON.parse(body));
 * const answer = otlpPartialSuccess(rejected.length, rejected.map((r) => r.reason).join('; '));
 */
export function mapOtlpTraces(body: unknown): OtlpMappingResult {
  const envelope = otlpExportTraceRequestSchema.safeParse(body);
  if (!envelope.success) throw new InvalidOtlpRequestError(toInputIssues(envelope.error));
  const spanCount = (envelope.data.resourceSpans ?? []).reduce(
    (sum, resourceSpans) =>
      sum + (resourceSpans.scopeSpans ?? []).reduce((inner, scope) => inner + (scope.spans?.length ?? 0), 0),
    0,
  );
  // Bounds the work of one request: SDK exporters send at most 512 spans, a collector 8,192 by default.
  if (spanCount > MAX_SPANS_PER_EXPORT) {
    throw new InvalidOtlpRequestError([
      {
        path: 'resourceSpans',
        message: `${spanCount} spans in one export; at most ${MAX_SPANS_PER_EXPORT} (send smaller batches)`,
      },
    ]);
  }

  const result: OtlpMappingResult = { interactions: [], ignoredSpans: 0, rejected: [] };
  const tree = spanTree(envelope.data.resourceSpans ?? []);
  for (const resourceSpans of envelope.data.resourceSpans ?? []) {
    const resource = decodeAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const key = treeKey(span);
        const origin: SpanOrigin = {
          resource,
          scope: scopeSpans.scope,
          inherited: key === undefined ? undefined : inheritedContext(tree, key),
          wrapsModelCall: key !== undefined && tree.get(key)?.wrapsModelCall === true,
        };
        const mapping = mapOtlpSpan(span, origin);
        if (mapping.outcome === 'interaction') result.interactions.push(mapping.interaction);
        else if (mapping.outcome === 'ignored') result.ignoredSpans += 1;
        else result.rejected.push({ spanId: rawSpanId(span), reason: mapping.reason });
      }
    }
  }
  return result;
}

/**
 * Maps one OTLP JSON span (see {@link mapOtlpTraces}).
 *
 * @example
 * const mapping = mapOtlpSpan(span, { resource: new Map([['service.name', 'checkout']]) });
 * if (mapping.outcome === 'interaction') queue(mapping.interaction);
 */
export function mapOtlpSpan(raw: unknown, origin: SpanOrigin): SpanMapping {
  const parsed = otlpSpanSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = toInputIssues(parsed.error).map((issue) => `${issue.path || '(span)'}: ${issue.message}`);
    return { outcome: 'rejected', reason: `malformed span: ${issues.join('; ')}` };
  }
  const span = parsed.data;
  const attributes = withInherited(withLibraryUsage(decodeAttributes(span.attributes)), origin.inherited);

  const responseModel = firstString(attributes, ATTR.responseModel);
  const requestModel = firstString(attributes, ATTR.requestModel);
  const model = responseModel ?? requestModel;
  if (model === undefined || !isModelCall(attributes) || origin.wrapsModelCall) return { outcome: 'ignored' };
  // The response model names the snapshot that actually answered (and is priced); the request model may be an alias.
  if (model.length > MAX_SHORT_TEXT)
    return { outcome: 'rejected', reason: 'model name is longer than 256 characters' };

  const ids = readIds(span);
  if ('reason' in ids) return { outcome: 'rejected', reason: ids.reason };
  const timing = readTiming(span);
  if ('reason' in timing) return { outcome: 'rejected', reason: timing.reason };
  const usage = readUsage(attributes);
  if (usage !== undefined && 'reason' in usage) return { outcome: 'rejected', reason: usage.reason };

  const contentAttributes = withOperationDetails(attributes, span);
  const status = readStatus(span, attributes);
  const operation = firstString(attributes, ATTR.operationName);
  const interaction: OtlpInteraction = {
    id: otelInteractionId(ids.traceId, ids.spanId),
    provider: toTokentrailProvider(firstString(attributes, ATTR.providerName)),
    model,
    phase: 'completed',
    ...definedEntries({
      request: readRequest(contentAttributes, attributes, requestModel, operation),
      response: readResponse(contentAttributes, attributes, responseModel),
      usage: usage?.usage,
      latencyMs: timing.latencyMs,
      startedAt: timing.startedAt,
      endedAt: timing.endedAt,
      status: status.status,
      errorClass: status.errorClass,
      errorMessage: status.errorMessage,
      tags: readTags(origin.resource, attributes),
      sessionId: firstString(attributes, ATTR.conversationId),
      userId: truncate(firstString(attributes, ATTR.userId), MAX_SHORT_TEXT),
      traceId: ids.traceId,
      parentId: ids.parentSpanId === undefined ? undefined : otelInteractionId(ids.traceId, ids.parentSpanId),
    }),
    metadata: {
      otel: definedEntries({
        spanName: span.name,
        operation,
        scope: origin.scope?.name,
        scopeVersion: origin.scope?.version,
        requestModel: requestModel !== model ? requestModel : undefined,
        usageAdjusted: usage?.adjusted,
        totalTokens: usage === undefined ? firstCount(attributes, ATTR.totalTokens) : undefined,
      }),
    },
  };
  return validate(interaction);
}

/**
 * A model-call span: not an agent/tool/workflow operation, not a non-LLM OpenInference span, not a
 * library's wrapper around model calls (they repeat their children's usage).
 */
function isModelCall(attributes: ReadonlyMap<string, AttributeValue>): boolean {
  if (isLibraryWrapper(attributes)) return false;
  const operation = firstString(attributes, ATTR.operationName);
  if (operation !== undefined && NON_MODEL_OPERATIONS.has(operation)) return false;
  const openInferenceKind = firstString(attributes, ATTR.openInferenceSpanKind);
  return openInferenceKind === undefined || MODEL_CALL_SPAN_KINDS.has(openInferenceKind.toUpperCase());
}

function readIds(
  span: OtlpSpan,
): { traceId: string; spanId: string; parentSpanId?: string } | { reason: string } {
  const traceId = span.traceId.toLowerCase();
  const spanId = span.spanId.toLowerCase();
  if (!TRACE_ID.test(traceId) || /^0+$/.test(traceId)) {
    return { reason: 'traceId must be 32 hex characters, not all zero' };
  }
  if (!SPAN_ID.test(spanId) || /^0+$/.test(spanId)) {
    return { reason: 'spanId must be 16 hex characters, not all zero' };
  }
  const parent = span.parentSpanId?.toLowerCase();
  if (parent === undefined || parent === '' || /^0+$/.test(parent)) return { traceId, spanId };
  if (!SPAN_ID.test(parent)) return { reason: 'parentSpanId must be 16 hex characters or empty' };
  return { traceId, spanId, parentSpanId: parent };
}

function readTiming(
  span: OtlpSpan,
): { startedAt?: string; endedAt?: string; latencyMs?: number } | { reason: string } {
  const start = unixNanoToBigInt(span.startTimeUnixNano);
  const end = unixNanoToBigInt(span.endTimeUnixNano);
  if (start !== undefined && end !== undefined && end < start) {
    return { reason: 'endTimeUnixNano is before startTimeUnixNano' };
  }
  return {
    startedAt: start === undefined ? undefined : unixNanoToIso(start),
    endedAt: end === undefined ? undefined : unixNanoToIso(end),
    // Microsecond resolution is plenty and keeps the number short.
    latencyMs: start === undefined || end === undefined ? undefined : Number((end - start) / 1_000n) / 1_000,
  };
}

interface UsageReading {
  usage: NonNullable<OtlpInteraction['usage']>;
  /** Set when counts had to be corrected to the "input includes cache, output includes reasoning" rule. */
  adjusted?: string;
}

/**
 * Token counts. The semconv's input count includes cache reads and writes and its output count
 * includes reasoning; some instrumentation passes the vendor's raw counts instead (Anthropic's
 * `input_tokens` excludes the cache, Gemini's candidates exclude thoughts). When the parts exceed
 * the whole that is certain, and the whole is corrected instead of under-pricing the call.
 */
function readUsage(
  attributes: ReadonlyMap<string, AttributeValue>,
): UsageReading | { reason: string } | undefined {
  const counts = {
    inputTokens: firstCount(attributes, ATTR.inputTokens),
    outputTokens: firstCount(attributes, ATTR.outputTokens),
    cachedInputTokens: firstCount(attributes, ATTR.cacheReadTokens),
    cacheWriteInputTokens: firstCount(attributes, ATTR.cacheWriteTokens),
    reasoningTokens: firstCount(attributes, ATTR.reasoningTokens),
  };
  const invalid = Object.entries(counts).find(([, value]) => value === null);
  if (invalid) return { reason: `${invalid[0]}: token counts must be non-negative integers` };
  if (counts.inputTokens === undefined && counts.outputTokens === undefined) return undefined;

  const cached = counts.cachedInputTokens ?? 0;
  const cacheWrite = counts.cacheWriteInputTokens ?? 0;
  const reasoning = counts.reasoningTokens ?? 0;
  let inputTokens = counts.inputTokens ?? 0;
  let outputTokens = counts.outputTokens ?? 0;
  const adjustments: string[] = [];
  if (cached + cacheWrite > inputTokens) {
    inputTokens += cached + cacheWrite;
    adjustments.push('input tokens excluded cache tokens');
  }
  if (reasoning > outputTokens) {
    outputTokens += reasoning;
    adjustments.push('output tokens excluded reasoning tokens');
  }
  return {
    usage: definedEntries({
      inputTokens,
      outputTokens,
      cachedInputTokens: counts.cachedInputTokens ?? undefined,
      cacheWriteInputTokens: counts.cacheWriteInputTokens ?? undefined,
      reasoningTokens: counts.reasoningTokens ?? undefined,
    }) as UsageReading['usage'],
    adjusted: adjustments.length > 0 ? adjustments.join('; ') : undefined,
  };
}

/** Span attributes, completed by the operation-details event's attributes (semconv ≥ 1.37 may put content there). */
function withOperationDetails(
  attributes: ReadonlyMap<string, AttributeValue>,
  span: OtlpSpan,
): ReadonlyMap<string, AttributeValue> {
  const details = span.events?.find((event) => event.name === OPERATION_DETAILS_EVENT);
  if (!details?.attributes) return attributes;
  const merged = new Map(decodeAttributes(details.attributes));
  for (const [key, value] of attributes) merged.set(key, value);
  return merged;
}

function readMessages(
  attributes: ReadonlyMap<string, AttributeValue>,
  direction: 'input' | 'output',
): unknown {
  const structured = firstValue(attributes, direction === 'input' ? ATTR.inputMessages : ATTR.outputMessages);
  if (structured !== undefined) return parseStructured(structured);
  for (const { prefix, unwrap } of FLATTENED_MESSAGES[direction]) {
    const list = unflattenList(attributes, prefix, unwrap);
    if (list !== undefined) return withoutVectors(list);
  }
  if (direction === 'output') {
    const answer = vercelResponseMessages(attributes);
    if (answer !== undefined) return answer;
  }
  const blob = firstValue(attributes, direction === 'input' ? ATTR.inputBlobs : ATTR.outputBlobs);
  return blob === undefined ? undefined : parseStructured(blob);
}

function readRequest(
  content: ReadonlyMap<string, AttributeValue>,
  attributes: ReadonlyMap<string, AttributeValue>,
  requestModel: string | undefined,
  operation: string | undefined,
): Record<string, unknown> | undefined {
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of attributes) {
    if (key.startsWith('gen_ai.request.') && key !== 'gen_ai.request.model' && value !== null) {
      parameters[key.slice('gen_ai.request.'.length)] = value;
    }
  }
  return nonEmpty(
    definedEntries({
      model: requestModel,
      operation,
      systemInstructions: parseStructured(firstValue(content, ATTR.systemInstructions)),
      messages: readMessages(content, 'input'),
      tools: parseStructured(firstValue(content, ATTR.toolDefinitions)),
      parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
    }),
  );
}

function readResponse(
  content: ReadonlyMap<string, AttributeValue>,
  attributes: ReadonlyMap<string, AttributeValue>,
  responseModel: string | undefined,
): Record<string, unknown> | undefined {
  return nonEmpty(
    definedEntries({
      id: firstString(attributes, ATTR.responseId),
      model: responseModel,
      messages: readMessages(content, 'output'),
      finishReasons: firstValue(attributes, ATTR.finishReasons),
    }),
  );
}

function readStatus(
  span: OtlpSpan,
  attributes: ReadonlyMap<string, AttributeValue>,
): { status: 'success' | 'error'; errorClass?: string; errorMessage?: string } {
  const code = span.status?.code;
  const errorType = firstString(attributes, ATTR.errorType);
  const failed = code === STATUS_CODE_ERROR || code === 'STATUS_CODE_ERROR' || errorType !== undefined;
  if (!failed) return { status: 'success' };
  const exception = decodeAttributes(span.events?.find((event) => event.name === 'exception')?.attributes);
  const message = span.status?.message || firstString(exception, ['exception.message']);
  return {
    status: 'error',
    errorClass: truncate(errorType ?? firstString(exception, ['exception.type']), MAX_SHORT_TEXT),
    errorMessage: truncate(message, MAX_ERROR_MESSAGE),
  };
}

/**
 * Tags: the application's key/values the library recorded (AI SDK metadata, Traceloop association
 * properties, LangSmith metadata), then the resource's `service.name` → `service` and deployment
 * environment → `environment`.
 */
function readTags(
  resource: ReadonlyMap<string, AttributeValue>,
  attributes: ReadonlyMap<string, AttributeValue>,
): Record<string, string> | undefined {
  return nonEmpty(
    definedEntries({
      ...contextTags(attributes),
      service: truncate(firstString(resource, ['service.name']), MAX_SHORT_TEXT),
      environment: truncate(
        firstString(resource, ['deployment.environment.name', 'deployment.environment']),
        MAX_SHORT_TEXT,
      ),
    }),
  );
}

/** Fields that may be dropped (kept in metadata) rather than rejecting a whole model call for them. */
const DROPPABLE_FIELDS = ['sessionId', 'userId', 'parentId', 'traceId', 'tags', 'errorClass'] as const;

/** Validates against the ingest contract; optional identifiers that do not fit move to metadata. */
function validate(interaction: OtlpInteraction): SpanMapping {
  const first = interactionInputSchema.safeParse(interaction);
  if (first.success) return { outcome: 'interaction', interaction };
  const fields = new Set(toInputIssues(first.error).map((issue) => issue.path.split('.')[0] ?? ''));
  if (![...fields].every((field) => (DROPPABLE_FIELDS as readonly string[]).includes(field))) {
    return rejectedFor(first.error);
  }
  const kept: Record<string, unknown> = { ...interaction };
  const invalidFields: Record<string, unknown> = {};
  for (const field of fields) {
    invalidFields[field] = kept[field];
    delete kept[field];
  }
  const metadata = interaction.metadata ?? {};
  const repaired = {
    ...kept,
    metadata: { ...metadata, otel: { ...(metadata.otel as object), invalidFields } },
  } as unknown as OtlpInteraction;
  const second = interactionInputSchema.safeParse(repaired);
  return second.success ? { outcome: 'interaction', interaction: repaired } : rejectedFor(second.error);
}

function rejectedFor(error: z.ZodError): SpanMapping {
  const issues = toInputIssues(error).map((issue) => `${issue.path}: ${issue.message}`);
  return { outcome: 'rejected', reason: issues.join('; ') };
}

interface TreeNode {
  parent?: string;
  /** The span's own session, user and application key/values. */
  context: ReadonlyMap<string, AttributeValue>;
  wrapsModelCall?: boolean;
}

/** `traceId/spanId` of a raw span, lower-case; `undefined` when either is missing. */
function treeKey(span: unknown, idField: 'spanId' | 'parentSpanId' = 'spanId'): string | undefined {
  if (!span || typeof span !== 'object') return undefined;
  const { traceId } = span as { traceId?: unknown };
  const id = (span as Record<string, unknown>)[idField];
  if (typeof traceId !== 'string' || typeof id !== 'string' || id === '' || /^0+$/.test(id)) return undefined;
  return `${traceId.toLowerCase()}/${id.toLowerCase()}`;
}

/**
 * One pass over the export: each span's parent, its own context attributes, and whether a
 * model-call span sits directly below it (then it is a wrapper: ai 7's embed span around its
 * provider call, a LangChain LLM run around an instrumented OpenAI client call…).
 */
function spanTree(resourceSpans: readonly { scopeSpans?: readonly { spans?: readonly unknown[] }[] }[]) {
  const tree = new Map<string, TreeNode>();
  const modelCallParents: string[] = [];
  for (const scopeSpans of resourceSpans.flatMap((entry) => entry.scopeSpans ?? [])) {
    for (const span of scopeSpans.spans ?? []) {
      const key = treeKey(span);
      if (key === undefined) continue;
      const attributes = decodeAttributes((span as { attributes?: unknown[] }).attributes);
      const parent = treeKey(span, 'parentSpanId');
      tree.set(key, { parent, context: contextAttributes(attributes) });
      const model = firstString(attributes, ATTR.responseModel) ?? firstString(attributes, ATTR.requestModel);
      if (parent !== undefined && model !== undefined && isModelCall(attributes))
        modelCallParents.push(parent);
    }
  }
  for (const parent of modelCallParents) {
    const node = tree.get(parent);
    if (node) node.wrapsModelCall = true;
  }
  return tree;
}

/** Context attributes of the span's ancestors, nearest first (cycles and missing parents end the walk). */
function inheritedContext(
  tree: ReadonlyMap<string, TreeNode>,
  key: string,
): Map<string, AttributeValue> | undefined {
  let inherited: Map<string, AttributeValue> | undefined;
  const seen = new Set([key]);
  let parent = tree.get(key)?.parent;
  while (parent !== undefined && !seen.has(parent)) {
    seen.add(parent);
    const node = tree.get(parent);
    if (!node) break;
    for (const [name, value] of node.context) {
      inherited ??= new Map();
      if (!inherited.has(name)) inherited.set(name, value);
    }
    parent = node.parent;
  }
  return inherited;
}

function withInherited(
  attributes: ReadonlyMap<string, AttributeValue>,
  inherited: ReadonlyMap<string, AttributeValue> | undefined,
): ReadonlyMap<string, AttributeValue> {
  if (inherited === undefined || inherited.size === 0) return attributes;
  const merged = new Map(attributes);
  for (const [name, value] of inherited) if (!merged.has(name)) merged.set(name, value);
  return merged;
}

function rawSpanId(span: unknown): string {
  const spanId = span && typeof span === 'object' ? (span as { spanId?: unknown }).spanId : undefined;
  return typeof spanId === 'string' ? spanId : '';
}

function truncate(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : value.slice(0, max);
}

function definedEntries<T extends Record<string, unknown>>(
  record: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function nonEmpty<T extends object>(record: T): T | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}
