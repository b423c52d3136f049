import type { ExplicitUsage } from '../interaction/schema';
import { mergeAnthropicStream, readAnthropicUsage, uniformAnthropicCacheTtl } from './anthropic';
import { readBedrockInvocationMetrics, readBedrockLlamaBody, readBedrockUsage } from './bedrock';
import { readGeminiUsage } from './gemini';
import { looksLikeResponsesUsage, readOpenAiChatUsage, readOpenAiResponsesUsage } from './openai';
import { type ProviderFamily, providerFamily } from './provider';
import { child, isObject, type JsonObject } from './read';
import type { NormalizedUsage, ReaderHints, UsageSource } from './types';

/** Explicit usage as accepted by `normalizeUsage`: the HTTP contract plus the optional extras. */
export type ExplicitUsageInput = ExplicitUsage &
  Partial<
    Pick<
      NormalizedUsage,
      | 'cacheWrite5mInputTokens'
      | 'cacheWrite1hInputTokens'
      | 'audioInputTokens'
      | 'audioOutputTokens'
      | 'imageInputTokens'
      | 'imageOutputTokens'
    >
  >;

/**
 * Extracts usage: explicit `usage` wins, else the raw provider `response` is read — one response
 * object, a bare usage block, or an array of stream chunks / SSE events (`{event, data}` is unwrapped).
 *
 * Dispatch is by shape, with the provider family breaking ties: `{input_tokens, output_tokens}` is
 * the OpenAI Responses API for `openai`/`azure` and Anthropic Messages for `anthropic`, `bedrock`
 * and `google` (Claude on Vertex); unknown providers decide by the block's own fields. Returns
 * `undefined` when no usage can be found (the interaction is then stored unpriced); never throws.
 *
 * @example
 * normalizeUsage({ provider: 'anthropic', response: { type: 'message', usage: {
 *   input_tokens: 10, cache_read_input_tokens: 1000, output_tokens: 5 } } });
 * // { inputTokens: 1010, cachedInputTokens: 1000, outputTokens: 5, cacheWriteInputTokens: 0, reasoningTokens: 0, ... }
 */
export function normalizeUsage(
  source: UsageSource & { usage?: ExplicitUsageInput },
): NormalizedUsage | undefined {
  if (source.usage) return fromExplicit(source.usage);
  const family = providerFamily(source.provider);
  const hints: ReaderHints = {};
  if (source.request !== undefined && family !== 'openai' && family !== 'azure') {
    const ttl = uniformAnthropicCacheTtl(source.request);
    if (ttl) hints.uniformCacheTtl = ttl;
  }
  return readResponse(source.response, family, hints);
}

function fromExplicit(usage: ExplicitUsageInput): NormalizedUsage {
  const normalized: NormalizedUsage = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    cacheWriteInputTokens: usage.cacheWriteInputTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
    shape: 'explicit',
  };
  for (const key of [
    'cacheWrite5mInputTokens',
    'cacheWrite1hInputTokens',
    'audioInputTokens',
    'audioOutputTokens',
    'imageInputTokens',
    'imageOutputTokens',
  ] as const) {
    if (usage[key] !== undefined) normalized[key] = usage[key];
  }
  return normalized;
}

function readResponse(
  response: unknown,
  family: ProviderFamily,
  hints: ReaderHints,
): NormalizedUsage | undefined {
  if (Array.isArray(response)) return readStream(response, family, hints);
  if (isObject(response)) return readPayload(response, family, hints);
  if (typeof response === 'string') {
    const parsed = parseJson(response);
    return parsed === undefined ? undefined : readResponse(parsed, family, hints);
  }
  return undefined;
}

/** Stream chunks: Anthropic events are folded; otherwise the last chunk that carries usage wins. */
function readStream(
  chunks: unknown[],
  family: ProviderFamily,
  hints: ReaderHints,
): NormalizedUsage | undefined {
  const events = chunks.map(unwrapSse);
  const anthropic = mergeAnthropicStream(events);
  if (anthropic) return readAnthropicUsage(anthropic, hints);
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (!isObject(event)) continue;
    const usage = readPayload(event, family, hints);
    if (usage) return usage;
  }
  return undefined;
}

function readPayload(
  payload: JsonObject,
  family: ProviderFamily,
  hints: ReaderHints,
): NormalizedUsage | undefined {
  const gemini = child(payload, 'usageMetadata');
  if (gemini) return readGeminiUsage(gemini);
  // Responses API stream events (`response.completed`) and wrappers nest the response object.
  const nested = child(payload, 'response');
  if (nested && child(nested, 'usage')) return readPayload(nested, family, hints);
  // Bedrock ConverseStream `metadata` event.
  const converseMetadata = child(child(payload, 'metadata'), 'usage');
  if (converseMetadata) return readBedrockUsage(converseMetadata);
  const usage = child(payload, 'usage');
  if (usage) {
    const read = readUsageBlock(usage, family, hints, payload);
    if (read) return withWebSearchCalls(read, payload);
  }
  const metrics = child(payload, 'amazon-bedrock-invocationMetrics');
  if (metrics) return readBedrockInvocationMetrics(metrics);
  return readUsageBlock(payload, family, hints, undefined);
}

function readUsageBlock(
  usage: JsonObject,
  family: ProviderFamily,
  hints: ReaderHints,
  container: JsonObject | undefined,
): NormalizedUsage | undefined {
  if ('prompt_tokens' in usage) return readOpenAiChatUsage(usage);
  if ('input_tokens' in usage) {
    if ('cache_creation_input_tokens' in usage || 'cache_read_input_tokens' in usage) {
      return readAnthropicUsage(usage, hints);
    }
    const responses =
      family === 'openai' || family === 'azure'
        ? true
        : family === 'anthropic' || family === 'bedrock' || family === 'google'
          ? false
          : looksLikeResponsesUsage(usage, container);
    return responses ? readOpenAiResponsesUsage(usage) : readAnthropicUsage(usage, hints);
  }
  if ('inputTokens' in usage) return readBedrockUsage(usage);
  if ('promptTokenCount' in usage) return readGeminiUsage(usage);
  if ('inputTokenCount' in usage) return readBedrockInvocationMetrics(usage);
  if ('prompt_token_count' in usage) return readBedrockLlamaBody(usage);
  return undefined;
}

/**
 * Responses API web search calls: one `web_search_call` output item per call, billed per call.
 */
function withWebSearchCalls(usage: NormalizedUsage, response: JsonObject): NormalizedUsage {
  if (!Array.isArray(response.output) || usage.webSearchCalls !== undefined) return usage;
  const calls = response.output.filter((item) => isObject(item) && item.type === 'web_search_call').length;
  return calls > 0 ? { ...usage, webSearchCalls: calls } : usage;
}

/**
 * The service tier a response says it was processed in (`service_tier`: OpenAI `default`, `flex`,
 * `priority`, `scale`), read from the response, a nested Responses API object or the last stream
 * chunk that names one.
 *
 * @example
 * serviceTierOf({ object: 'chat.completion', service_tier: 'flex', usage: {} }); // 'flex'
 */
export function serviceTierOf(response: unknown): string | undefined {
  if (Array.isArray(response)) {
    for (let i = response.length - 1; i >= 0; i -= 1) {
      const tier = serviceTierOf(unwrapSse(response[i]));
      if (tier) return tier;
    }
    return undefined;
  }
  if (!isObject(response)) return undefined;
  if (typeof response.service_tier === 'string' && response.service_tier.length <= 32)
    return response.service_tier;
  const nested = child(response, 'response');
  return nested ? serviceTierOf(nested) : undefined;
}

/**
 * The model a response says served it (`model`, or the nested Responses API object's): Azure OpenAI
 * answers the real model (`gpt-4o-2024-08-06`) where the request named a deployment.
 *
 * @example
 * responseModelOf({ model: 'gpt-4o-2024-08-06', usage: {} }); // 'gpt-4o-2024-08-06'
 */
export function responseModelOf(response: unknown): string | undefined {
  if (Array.isArray(response)) {
    for (const chunk of response) {
      const model = responseModelOf(unwrapSse(chunk));
      if (model) return model;
    }
    return undefined;
  }
  if (!isObject(response)) return undefined;
  if (typeof response.model === 'string' && response.model.length > 0 && response.model.length <= 256)
    return response.model;
  const nested = child(response, 'response') ?? child(response, 'message');
  return nested ? responseModelOf(nested) : undefined;
}

/** SSE events may arrive as `{event, data}` with `data` parsed or still a JSON string. */
function unwrapSse(chunk: unknown): unknown {
  if (typeof chunk === 'string') return parseJson(chunk.startsWith('data:') ? chunk.slice(5).trim() : chunk);
  if (isObject(chunk) && 'data' in chunk && Object.keys(chunk).every((key) => SSE_KEYS.has(key))) {
    return typeof chunk.data === 'string' ? parseJson(chunk.data) : chunk.data;
  }
  return chunk;
}

const SSE_KEYS = new Set(['event', 'data', 'id', 'retry']);

function parseJson(text: string): unknown {
  if (text === '[DONE]' || text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
