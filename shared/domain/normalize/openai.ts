import { child, count, countOr0, type JsonObject, withExtras } from './read';
import type { NormalizedUsage } from './types';

/**
 * OpenAI Chat Completions (also Azure OpenAI, Mistral and other OpenAI-compatible APIs).
 *
 * ```json
 * "usage": { "prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500,
 *   "prompt_tokens_details": { "cached_tokens": 1024, "audio_tokens": 0 },
 *   "completion_tokens_details": { "reasoning_tokens": 192, "audio_tokens": 0,
 *     "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0 } }
 * ```
 * - `prompt_tokens` already includes `cached_tokens` (cached reads are a subset; OpenAI has no cache writes).
 * - `completion_tokens` already includes `reasoning_tokens` and rejected prediction tokens (both billed as output).
 * - `audio_tokens` are subsets of the prompt / completion counts, billed at the model's audio rates.
 * - Embeddings answer `{ prompt_tokens, total_tokens }` without completion tokens: output is 0.
 * - Streaming: with `stream_options.include_usage` the last chunk carries `usage` (earlier chunks have `usage: null`).
 * - DeepSeek adds `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` (hit + miss = `prompt_tokens`);
 *   hits are the cached input.
 * - xAI reports `reasoning_tokens` outside `completion_tokens` (`total_tokens` includes them): they are
 *   added to the output, so reasoning is billed as the output it is.
 *
 * @example
 * readOpenAiChatUsage({ prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 } });
 * // { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 300, ... shape: 'openai.chat' }
 */
export function readOpenAiChatUsage(usage: JsonObject): NormalizedUsage | undefined {
  const cacheHit = count(usage.prompt_cache_hit_tokens);
  const cacheMiss = count(usage.prompt_cache_miss_tokens);
  const prompt =
    count(usage.prompt_tokens) ??
    (cacheHit !== undefined && cacheMiss !== undefined ? cacheHit + cacheMiss : undefined);
  if (prompt === undefined) return undefined;
  const promptDetails = child(usage, 'prompt_tokens_details');
  const completionDetails = child(usage, 'completion_tokens_details');
  const completion = count(usage.completion_tokens);
  const shape =
    completion === undefined && usage.completion_tokens === undefined ? 'openai.embeddings' : 'openai.chat';
  const reasoning = countOr0(completionDetails?.reasoning_tokens);
  return withExtras<NormalizedUsage>(
    {
      inputTokens: prompt,
      outputTokens:
        (completion ?? 0) + (reasoningOutside(usage, prompt, completion ?? 0, reasoning) ? reasoning : 0),
      // DeepSeek reports cache hits as `prompt_cache_hit_tokens` (a subset of `prompt_tokens`).
      cachedInputTokens: count(promptDetails?.cached_tokens) ?? cacheHit ?? 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: reasoning,
      shape,
    },
    {
      audioInputTokens: count(promptDetails?.audio_tokens),
      audioOutputTokens: count(completionDetails?.audio_tokens),
      imageInputTokens: count(promptDetails?.image_tokens),
    },
  );
}

/**
 * xAI counts reasoning tokens OUTSIDE `completion_tokens` (its `total_tokens` is prompt + completion +
 * reasoning), where OpenAI counts them inside. Told apart by the total, or by reasoning exceeding the
 * completion count (impossible when inside).
 */
function reasoningOutside(usage: JsonObject, prompt: number, completion: number, reasoning: number): boolean {
  if (reasoning === 0) return false;
  const total = count(usage.total_tokens);
  if (total !== undefined) return total === prompt + completion + reasoning && total !== prompt + completion;
  return reasoning > completion;
}

/**
 * OpenAI Responses API (also Azure OpenAI Responses).
 *
 * ```json
 * "usage": { "input_tokens": 5000, "input_tokens_details": { "cached_tokens": 4096 },
 *   "output_tokens": 900, "output_tokens_details": { "reasoning_tokens": 640 }, "total_tokens": 5900 }
 * ```
 * - `input_tokens` includes `cached_tokens`; `output_tokens` includes `reasoning_tokens`.
 * - Streaming: the `response.completed` (or `response.incomplete` / `response.failed`) event carries
 *   `response.usage`; earlier events carry none.
 * - Image generation models report `input_tokens_details.image_tokens` / `output_tokens_details.image_tokens`.
 *
 * @example
 * readOpenAiResponsesUsage({ input_tokens: 5000, input_tokens_details: { cached_tokens: 4096 }, output_tokens: 900 });
 * // { inputTokens: 5000, cachedInputTokens: 4096, outputTokens: 900, ... shape: 'openai.responses' }
 */
export function readOpenAiResponsesUsage(usage: JsonObject): NormalizedUsage | undefined {
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  const inputDetails = child(usage, 'input_tokens_details');
  const outputDetails = child(usage, 'output_tokens_details');
  return withExtras<NormalizedUsage>(
    {
      inputTokens: input,
      outputTokens: output,
      cachedInputTokens: countOr0(inputDetails?.cached_tokens),
      cacheWriteInputTokens: 0,
      reasoningTokens: countOr0(outputDetails?.reasoning_tokens),
      shape: 'openai.responses',
    },
    {
      audioInputTokens: count(inputDetails?.audio_tokens),
      audioOutputTokens: count(outputDetails?.audio_tokens),
      imageInputTokens: count(inputDetails?.image_tokens),
      imageOutputTokens: count(outputDetails?.image_tokens),
    },
  );
}

/**
 * True when a `{input_tokens, output_tokens}` block is the Responses API's rather than Anthropic's.
 *
 * @example
 * looksLikeResponsesUsage({ input_tokens: 1, output_tokens: 1, total_tokens: 2 }); // true
 */
export function looksLikeResponsesUsage(usage: JsonObject, container?: JsonObject): boolean {
  return (
    'input_tokens_details' in usage ||
    'output_tokens_details' in usage ||
    'total_tokens' in usage ||
    container?.object === 'response'
  );
}
