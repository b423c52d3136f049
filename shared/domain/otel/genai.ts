/**
 * Attribute names read from GenAI spans, newest convention first in every lookup:
 * 1. OpenTelemetry GenAI semantic conventions (`gen_ai.provider.name`, `gen_ai.usage.*`,
 *    `gen_ai.input.messages`…);
 * 2. their deprecated names still emitted by older instrumentation (`gen_ai.system`,
 *    `gen_ai.usage.prompt_tokens`, flattened `gen_ai.prompt.N.*`, Traceloop's
 *    `gen_ai.usage.cache_read_input_tokens`…);
 * 3. OpenInference (`llm.model_name`, `embedding.model_name`, `llm.token_count.*`,
 *    `llm.input_messages.N.message.*`) and Traceloop's `llm.*` names;
 * 4. the Vercel AI SDK's own `ai.*` names (`ai.model.provider`, `ai.usage.*`, `ai.prompt.messages`…),
 *    which ai 5 and 6 (`experimental_telemetry`) and ai 7's `LegacyOpenTelemetry` emit.
 * LangSmith's JSON usage blobs and other library shapes are first rewritten to these names (see `dialects.ts`).
 */
import type { AttributeValue } from './otlp-json';

/**
 * Where libraries put the application's own key/values: the AI SDK's `experimental_telemetry.metadata`
 * (ai 5, 6) and runtime `context` (ai 7), Traceloop's association properties, LangSmith's run metadata.
 * Session and user keys under them are read as the session and user; the other keys become tags.
 */
export const CONTEXT_PREFIXES = [
  'ai.telemetry.metadata.',
  'ai.settings.context.',
  'traceloop.association.properties.',
  'langsmith.metadata.',
] as const;

function libraryKeys(keys: readonly string[]): string[] {
  return CONTEXT_PREFIXES.flatMap((prefix) => keys.map((key) => `${prefix}${key}`));
}

export const ATTR = {
  // LangSmith names the provider in its run metadata and falls back to `gen_ai.system: langchain`.
  providerName: [
    'langsmith.metadata.ls_provider',
    'gen_ai.provider.name',
    'gen_ai.system',
    'llm.provider',
    'llm.system',
    'ai.model.provider',
  ],
  operationName: ['gen_ai.operation.name', 'llm.request.type'],
  responseModel: ['gen_ai.response.model', 'llm.response.model', 'ai.response.model'],
  requestModel: [
    'gen_ai.request.model',
    'llm.model_name',
    'llm.request.model',
    'embedding.model_name',
    'ai.model.id',
  ],
  // `gen_ai.usage.input_tokens` includes cache reads and cache writes (semconv: SHOULD include).
  inputTokens: [
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
    'llm.usage.prompt_tokens',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
    // Embedding calls (`ai.embed.doEmbed`) count only input tokens.
    'ai.usage.tokens',
  ],
  // `gen_ai.usage.output_tokens` includes reasoning tokens.
  outputTokens: [
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
    'llm.usage.completion_tokens',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ],
  totalTokens: ['gen_ai.usage.total_tokens', 'llm.token_count.total', 'llm.usage.total_tokens'],
  cacheReadTokens: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.inputTokenDetails.cacheReadTokens',
    'ai.usage.cachedInputTokens',
  ],
  cacheWriteTokens: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_write',
    'ai.usage.inputTokenDetails.cacheWriteTokens',
  ],
  reasoningTokens: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
    'ai.usage.outputTokenDetails.reasoningTokens',
    'ai.usage.reasoningTokens',
  ],
  conversationId: [
    'gen_ai.conversation.id',
    'session.id',
    ...libraryKeys(['session_id', 'sessionId', 'thread_id', 'threadId', 'conversation_id', 'conversationId']),
  ],
  userId: ['user.id', 'enduser.id', ...libraryKeys(['user_id', 'userId'])],
  responseId: ['gen_ai.response.id'],
  finishReasons: ['gen_ai.response.finish_reasons'],
  inputMessages: ['gen_ai.input.messages'],
  outputMessages: ['gen_ai.output.messages'],
  /** Whole-request and whole-response blobs: the AI SDK's prompt, LangSmith's run inputs and outputs. */
  inputBlobs: ['ai.prompt.messages', 'ai.prompt', 'ai.values', 'ai.value', 'gen_ai.prompt'],
  outputBlobs: ['gen_ai.completion'],
  systemInstructions: ['gen_ai.system_instructions'],
  toolDefinitions: ['gen_ai.tool.definitions'],
  errorType: ['error.type'],
  openInferenceSpanKind: ['openinference.span.kind'],
} as const;

/** Flattened message lists of older instrumentation: prefix → how to read one list item. */
export const FLATTENED_MESSAGES = {
  input: [
    { prefix: 'gen_ai.prompt.', unwrap: undefined },
    { prefix: 'llm.input_messages.', unwrap: 'message' },
    { prefix: 'llm.prompts.', unwrap: undefined },
    { prefix: 'embedding.embeddings.', unwrap: 'embedding' },
  ],
  output: [
    { prefix: 'gen_ai.completion.', unwrap: undefined },
    { prefix: 'llm.output_messages.', unwrap: 'message' },
  ],
} as const;

/**
 * Operations that are not one model call: an agent or workflow span usually sums the usage of
 * the model calls below it, and a tool call has none. Recording them would count tokens twice.
 */
export const NON_MODEL_OPERATIONS: ReadonlySet<string> = new Set([
  'execute_tool',
  'create_agent',
  'invoke_agent',
  'invoke_workflow',
]);

/** OpenInference span kinds that are one model call. */
export const MODEL_CALL_SPAN_KINDS: ReadonlySet<string> = new Set(['LLM', 'EMBEDDING']);

/** Span event (semconv ≥ 1.37) that may carry the messages instead of the span's own attributes. */
export const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'aws.bedrock': 'bedrock',
  aws_bedrock: 'bedrock',
  bedrock: 'bedrock',
  aws: 'bedrock',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  gemini: 'google',
  google: 'google',
  google_genai: 'google',
  'azure.ai.openai': 'azure-openai',
  'az.ai.openai': 'azure-openai',
  azure_openai: 'azure-openai',
  azure: 'azure-openai',
  'azure.ai.inference': 'azure-ai-inference',
  'az.ai.inference': 'azure-ai-inference',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  mistral: 'mistral',
  x_ai: 'xai',
  xai: 'xai',
  'ibm.watsonx.ai': 'watsonx',
  watsonx: 'watsonx',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  perplexity: 'perplexity',
  // The Vercel AI SDK's provider ids, as `<provider>` or `<provider>.<api>` (`openai.chat`, `google.vertex.chat`).
  'amazon-bedrock': 'bedrock',
  'azure-openai': 'azure-openai',
  'google-vertex': 'google',
  'mistral-ai': 'mistral',
};

/** AI SDK provider ids whose first segment is not the vendor whose prices apply: Claude on Vertex (`vertex.anthropic.messages`). */
const VERCEL_PREFIXES: Record<string, string> = {
  'vertex.anthropic': 'anthropic',
};

/** Provider used when a span names none. */
export const UNKNOWN_PROVIDER = 'unknown';

/**
 * tokentrail's provider name for an OpenTelemetry provider name (current, legacy or OpenInference
 * spelling, any case). Unknown names pass through lower-cased so nothing is lost.
 *
 * @example
 * toTokentrailProvider('aws.bedrock'); // 'bedrock'
 * toTokentrailProvider('OpenAI'); // 'openai'
 * toTokentrailProvider('anthropic.messages'); // 'anthropic' (AI SDK)
 */
export function toTokentrailProvider(name: string | undefined): string {
  if (name === undefined || name.trim() === '') return UNKNOWN_PROVIDER;
  const key = name.trim().toLowerCase();
  const exact = PROVIDERS[key];
  if (exact !== undefined) return exact;
  // The AI SDK's `<provider>.<api>` ids (`openai.responses`, `anthropic.messages`, `google.generative-ai`).
  const prefixed = Object.entries(VERCEL_PREFIXES).find(
    ([prefix]) => key === prefix || key.startsWith(`${prefix}.`),
  );
  if (prefixed) return prefixed[1];
  const dot = key.indexOf('.');
  const vendor = dot > 0 ? PROVIDERS[key.slice(0, dot)] : undefined;
  return vendor ?? key.slice(0, 64);
}

/** The first of `names` that is present (and not null) in `attributes`. */
export function firstValue(
  attributes: ReadonlyMap<string, AttributeValue>,
  names: readonly string[],
): AttributeValue | undefined {
  for (const name of names) {
    const value = attributes.get(name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** The first of `names` holding a non-empty string (numbers are spelled out). */
export function firstString(
  attributes: ReadonlyMap<string, AttributeValue>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = attributes.get(name);
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * The first of `names` holding a token count: a non-negative integer, or a decimal string of one.
 * Returns `null` when an attribute is present but not a count (the span is then rejected, since
 * guessing a count would misprice it).
 */
export function firstCount(
  attributes: ReadonlyMap<string, AttributeValue>,
  names: readonly string[],
): number | null | undefined {
  for (const name of names) {
    const value = attributes.get(name);
    if (value === undefined || value === null) continue;
    const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) return count;
    return null;
  }
  return undefined;
}

/**
 * A message payload: structured values as they are, JSON strings parsed (the semconv allows
 * both), other strings kept as text.
 */
export function parseStructured(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/**
 * Rebuilds a list flattened into indexed attributes, e.g. `gen_ai.prompt.0.role`,
 * `gen_ai.prompt.0.content`, `gen_ai.prompt.1.tool_calls.0.name` → `[{role, content}, {tool_calls: [{name}]}]`.
 * With `unwrap`, each item's `unwrap` member is returned (`llm.input_messages.0.message.role`).
 * Returns `undefined` when no attribute has the prefix.
 *
 * @example
 * unflattenList(new Map([['gen_ai.prompt.0.role', 'user']]), 'gen_ai.prompt.'); // [{ role: 'user' }]
 */
export function unflattenList(
  attributes: ReadonlyMap<string, AttributeValue>,
  prefix: string,
  unwrap?: string,
): unknown[] | undefined {
  const root: Record<string, unknown> = {};
  let found = false;
  for (const [key, value] of attributes) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split('.');
    if (!/^\d+$/.test(path[0] ?? '')) continue;
    found = true;
    setPath(root, path, value);
  }
  if (!found) return undefined;
  const items = toArrays(root) as unknown[];
  return unwrap === undefined
    ? items
    : items.map((item) =>
        item && typeof item === 'object' && unwrap in item ? (item as Record<string, unknown>)[unwrap] : item,
      );
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (next && typeof next === 'object' && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    }
  }
  const last = path[path.length - 1]!;
  // A JSON-encoded content (e.g. OpenInference tool call arguments) stays a string: it is what was sent.
  node[last] = value;
}

/** Objects whose keys are all indexes become arrays, ordered by index (gaps closed). */
function toArrays(node: unknown): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const entries = Object.entries(node as Record<string, unknown>).map(
    ([key, value]) => [key, toArrays(value)] as const,
  );
  if (entries.length > 0 && entries.every(([key]) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, value]) => value);
  }
  return Object.fromEntries(entries);
}
