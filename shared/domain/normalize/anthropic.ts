import { child, count, countOr0, isObject, type JsonObject } from './read';
import type { NormalizedUsage, ReaderHints } from './types';

/**
 * Anthropic Messages API (also Bedrock InvokeModel with an Anthropic body, and Vertex AI rawPredict).
 *
 * ```json
 * "usage": { "input_tokens": 50, "cache_creation_input_tokens": 2048, "cache_read_input_tokens": 10000,
 *   "cache_creation": { "ephemeral_5m_input_tokens": 2048, "ephemeral_1h_input_tokens": 0 },
 *   "output_tokens": 700 }
 * ```
 * - `input_tokens` counts only the uncached tokens after the last cache breakpoint: cache writes
 *   (`cache_creation_input_tokens`) and cache reads (`cache_read_input_tokens`) are OUTSIDE it, so
 *   the normalized `inputTokens` is the sum of the three.
 * - `cache_creation` splits writes by lifetime (5 minutes at 1.25× input, 1 hour at 2× input). Older
 *   responses lack it: the split then comes from the request when every `cache_control` asks for the
 *   same `ttl`, else it stays unsplit and is priced as 5-minute writes (the API's default).
 * - Extended thinking tokens are billed as output and are inside `output_tokens`; the API does not
 *   report them separately, so `reasoningTokens` is 0 (the cost is still complete).
 * - Streaming: `message_start` carries `message.usage` (input and cache counts, `output_tokens` ≈ 1);
 *   `message_delta` carries the cumulative `usage.output_tokens` (and, on newer API versions, the
 *   final input and cache counts). See `mergeAnthropicStream`.
 *
 * @example
 * readAnthropicUsage({ input_tokens: 50, cache_read_input_tokens: 1000, output_tokens: 7 });
 * // { inputTokens: 1050, cachedInputTokens: 1000, outputTokens: 7, ... }
 */
export function readAnthropicUsage(usage: JsonObject, hints: ReaderHints = {}): NormalizedUsage | undefined {
  const uncached = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (uncached === undefined || output === undefined) return undefined;
  const cacheWrite = countOr0(usage.cache_creation_input_tokens);
  const cacheRead = countOr0(usage.cache_read_input_tokens);
  const split = child(usage, 'cache_creation');
  let write5m = count(split?.ephemeral_5m_input_tokens);
  let write1h = count(split?.ephemeral_1h_input_tokens);
  if (write5m === undefined && write1h === undefined && cacheWrite > 0 && hints.uniformCacheTtl) {
    if (hints.uniformCacheTtl === '1h') write1h = cacheWrite;
    else write5m = cacheWrite;
  }
  const normalized: NormalizedUsage = {
    inputTokens: uncached + cacheWrite + cacheRead,
    outputTokens: output,
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: 0,
    shape: 'anthropic.messages',
  };
  // Server tools (web search) are billed per request on top of tokens.
  const searches = count(child(usage, 'server_tool_use')?.web_search_requests);
  if (searches) normalized.webSearchCalls = searches;
  if (cacheWrite > 0 && (write5m !== undefined || write1h !== undefined)) {
    normalized.cacheWrite5mInputTokens = write5m ?? 0;
    normalized.cacheWrite1hInputTokens = write1h ?? 0;
  }
  return normalized;
}

/**
 * Folds Anthropic stream events into one usage block: `message_start.message.usage` first, then every
 * `message_delta.usage` overrides the fields it carries (its counts are cumulative, not increments).
 * Returns `undefined` when the events carry no usage.
 *
 * @example
 * mergeAnthropicStream([{ type: 'message_start', message: { usage: { input_tokens: 9, output_tokens: 1 } } },
 *   { type: 'message_delta', usage: { output_tokens: 40 } }]); // { input_tokens: 9, output_tokens: 40 }
 */
export function mergeAnthropicStream(events: unknown[]): JsonObject | undefined {
  let merged: JsonObject | undefined;
  for (const event of events) {
    if (!isObject(event)) continue;
    if (event.type === 'message_start') {
      const usage = child(child(event, 'message'), 'usage');
      if (usage) merged = { ...usage };
    } else if (event.type === 'message_delta') {
      const usage = child(event, 'usage');
      if (usage) merged = { ...(merged ?? { input_tokens: 0 }), ...withoutNulls(usage) };
    }
  }
  return merged;
}

function withoutNulls(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * The cache TTL every `cache_control` breakpoint in an Anthropic request asks for, when uniform.
 * `cache_control` without `ttl` means 5 minutes.
 *
 * @example
 * uniformAnthropicCacheTtl({ system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '1h' } }] }); // '1h'
 */
export function uniformAnthropicCacheTtl(request: unknown): '5m' | '1h' | undefined {
  const ttls = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || ttls.size > 1) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    const control = value.cache_control;
    if (isObject(control)) ttls.add(control.ttl === '1h' ? '1h' : '5m');
    for (const key of ['system', 'messages', 'tools', 'content'])
      if (key in value) visit(value[key], depth + 1);
  };
  visit(request, 0);
  return ttls.size === 1 ? ([...ttls][0] as '5m' | '1h') : undefined;
}
