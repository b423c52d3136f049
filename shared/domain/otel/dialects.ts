/**
 * What instrumentation libraries record in their own shapes, read into the names the mapper knows
 * (`genai.ts`): LangSmith's usage blobs, the Vercel AI SDK's response text and wrapper spans,
 * the application key/values libraries attach (AI SDK metadata and context, Traceloop association
 * properties, LangSmith run metadata). Attribute names come from each library's source.
 */
import { ATTR, CONTEXT_PREFIXES, parseStructured } from './genai';
import type { AttributeValue } from './otlp-json';

type Attributes = ReadonlyMap<string, AttributeValue>;

/** LangSmith's `usage_metadata` (LangChain's usage: input includes cache reads, output includes reasoning). */
const USAGE_BLOBS = ['langsmith.usage_metadata', 'langsmith.metadata.usage_metadata'];
const INPUT_DETAILS = 'gen_ai.usage.input_token_details';
const OUTPUT_DETAILS = 'gen_ai.usage.output_token_details';

/** Semconv count ← LangChain usage path. */
const USAGE_FIELDS: readonly (readonly [string, readonly string[]])[] = [
  ['gen_ai.usage.input_tokens', ['input_tokens']],
  ['gen_ai.usage.output_tokens', ['output_tokens']],
  ['gen_ai.usage.cache_read.input_tokens', ['input_token_details', 'cache_read']],
  ['gen_ai.usage.cache_creation.input_tokens', ['input_token_details', 'cache_creation']],
  ['gen_ai.usage.reasoning.output_tokens', ['output_token_details', 'reasoning']],
];

/**
 * The span's attributes with library-specific usage rewritten to semconv names, when the span does
 * not carry those names itself: LangSmith's `langsmith.usage_metadata` (JSON, JS SDK),
 * `langsmith.metadata.usage_metadata` and `gen_ai.usage.input_token_details` /
 * `…output_token_details` (JSON, or a Python dict's `str()` from the Python SDK).
 *
 * @example
 * withLibraryUsage(new Map([['gen_ai.usage.input_token_details', "{'cache_read': 100}"]]))
 *   .get('gen_ai.usage.cache_read.input_tokens'); // 100
 */
export function withLibraryUsage(attributes: Attributes): Attributes {
  const usage = USAGE_BLOBS.map((name) => asRecord(attributes.get(name))).find(Boolean) ?? {};
  const inputDetails = asRecord(attributes.get(INPUT_DETAILS));
  const outputDetails = asRecord(attributes.get(OUTPUT_DETAILS));
  const merged: Record<string, unknown> = {
    ...usage,
    input_token_details: { ...asRecord(usage.input_token_details), ...inputDetails },
    output_token_details: { ...asRecord(usage.output_token_details), ...outputDetails },
  };
  let result: Map<string, AttributeValue> | undefined;
  for (const [name, path] of USAGE_FIELDS) {
    if (attributes.has(name)) continue;
    const value = path.reduce<unknown>((node, key) => asRecord(node)[key], merged);
    if (typeof value !== 'number' && typeof value !== 'string') continue;
    result ??= new Map(attributes);
    result.set(name, value);
  }
  return result ?? attributes;
}

/** AI SDK operations that are one provider call; the others (`ai.generateText`…) wrap them and repeat their usage. */
const VERCEL_MODEL_CALL = /\.do(Generate|Stream|Embed)$/;
/** LangSmith run types that are one model call. */
const LANGSMITH_MODEL_RUNS: ReadonlySet<string> = new Set(['llm', 'embedding']);
/** Traceloop span kinds that group calls (their usage, if any, repeats the calls inside). */
const TRACELOOP_GROUPS: ReadonlySet<string> = new Set(['workflow', 'task', 'agent', 'tool']);

/**
 * True for a library's wrapper span around model calls: the AI SDK's `ai.generateText`,
 * `ai.streamText`, `ai.embed`… (they sum their `.doGenerate`/`.doStream`/`.doEmbed` children's
 * usage), LangSmith chain/tool runs, Traceloop workflows and tasks.
 *
 * @example
 * isLibraryWrapper(new Map([['ai.operationId', 'ai.generateText']])); // true
 * isLibraryWrapper(new Map([['ai.operationId', 'ai.generateText.doGenerate']])); // false
 */
export function isLibraryWrapper(attributes: Attributes): boolean {
  const operationId = attributes.get('ai.operationId');
  if (typeof operationId === 'string' && !VERCEL_MODEL_CALL.test(operationId)) return true;
  const runType = attributes.get('langsmith.span.kind');
  if (typeof runType === 'string' && !LANGSMITH_MODEL_RUNS.has(runType.toLowerCase())) return true;
  const traceloopKind = attributes.get('traceloop.span.kind');
  return typeof traceloopKind === 'string' && TRACELOOP_GROUPS.has(traceloopKind.toLowerCase());
}

/**
 * The answer as the AI SDK records it (`ai.response.text`, `ai.response.reasoning`,
 * `ai.response.toolCalls`), as one assistant message; `undefined` when the span has none.
 *
 * @example
 * vercelResponseMessages(new Map([['ai.response.text', 'Hello']])); // [{ role: 'assistant', content: 'Hello' }]
 */
export function vercelResponseMessages(attributes: Attributes): unknown[] | undefined {
  const content = attributes.get('ai.response.text');
  const reasoning = attributes.get('ai.response.reasoning');
  const toolCalls = attributes.get('ai.response.toolCalls');
  const object = attributes.get('ai.response.object');
  if ([content, reasoning, toolCalls, object].every((value) => value === undefined || value === null)) {
    return undefined;
  }
  const message: Record<string, unknown> = { role: 'assistant' };
  if (content !== undefined && content !== null) message.content = content;
  if (object !== undefined && object !== null) message.content = parseStructured(object);
  if (reasoning !== undefined && reasoning !== null) message.reasoning = reasoning;
  if (toolCalls !== undefined && toolCalls !== null) message.toolCalls = parseStructured(toolCalls);
  return [message];
}

/** Keys under {@link CONTEXT_PREFIXES} read as session or user, or that are library bookkeeping, not tags. */
const NOT_TAGS = new Set([
  'session_id',
  'sessionid',
  'thread_id',
  'threadid',
  'conversation_id',
  'conversationid',
  'user_id',
  'userid',
  'usage_metadata',
  'invocation_params',
  'revision_id',
]);
const MAX_CONTEXT_TAGS = 32;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/**
 * The application's own key/values as tags: AI SDK `experimental_telemetry.metadata` and ai 7
 * runtime context, Traceloop association properties, LangSmith metadata (its `ls_*` bookkeeping
 * left out). Session and user keys are not repeated here. At most 32, strings, numbers and booleans only.
 *
 * @example
 * contextTags(new Map([['traceloop.association.properties.tenant', 'acme']])); // { tenant: 'acme' }
 */
export function contextTags(attributes: Attributes): Record<string, string> {
  const tags: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of attributes) {
    const prefix = CONTEXT_PREFIXES.find((candidate) => name.startsWith(candidate));
    if (prefix === undefined) continue;
    const key = name.slice(prefix.length);
    if (key === '' || key.length > MAX_TAG_KEY || key.startsWith('ls_') || NOT_TAGS.has(key.toLowerCase())) {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    if (count >= MAX_CONTEXT_TAGS) break;
    tags[key] = String(value).slice(0, MAX_TAG_VALUE);
    count += 1;
  }
  return tags;
}

/**
 * The attributes a child span may inherit from its ancestors: session, user and the
 * application's key/values ({@link CONTEXT_PREFIXES}).
 *
 * @example
 * contextAttributes(new Map([['ai.settings.context.sessionId', 's1'], ['gen_ai.request.model', 'x']]));
 * // Map { 'ai.settings.context.sessionId' => 's1' }
 */
export function contextAttributes(attributes: Attributes): Map<string, AttributeValue> {
  const context = new Map<string, AttributeValue>();
  for (const [name, value] of attributes) {
    if (INHERITABLE.has(name) || CONTEXT_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      context.set(name, value);
    }
  }
  return context;
}

const INHERITABLE: ReadonlySet<string> = new Set([...ATTR.conversationId, ...ATTR.userId]);

/** Embedding vectors say nothing about cost or content and can be megabytes: dropped from stored inputs. */
export function withoutVectors(items: unknown[]): unknown[] {
  return items.map((item) => {
    if (!item || typeof item !== 'object' || !('vector' in item)) return item;
    const { vector: _vector, ...rest } = item as Record<string, unknown>;
    return rest;
  });
}

/** A JSON object, a kvlist attribute, or a Python dict's `str()`, as a record; `{}` for anything else. */
function asRecord(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') return {};
  const parsed = parseStructured(value);
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  return parsePythonCounts(value);
}

/** `{'cache_read': 100, 'audio': 0}` (Python's `str(dict)` of counts) → `{cache_read: 100, audio: 0}`. */
function parsePythonCounts(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return {};
  const counts: Record<string, unknown> = {};
  for (const match of trimmed.matchAll(/'([A-Za-z0-9_]{1,64})'\s*:\s*(\d{1,15})\b/g)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}
