/**
 * Usage normalization: raw provider payloads → one usage shape. Domain code: no AWS imports.
 *
 * First cut (issue A) for OpenAI Chat Completions and explicit usage; the pricing issue owns
 * every provider shape. `normalizeUsage` and `NormalizedUsage` are the processor's contract.
 */
import type { ExplicitUsage } from '../interaction/schema';

/**
 * One usage shape for every provider.
 * - `inputTokens` includes cached reads (`cachedInputTokens`) and cache writes (`cacheWriteInputTokens`).
 * - `outputTokens` includes `reasoningTokens`.
 */
export interface NormalizedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  reasoningTokens: number;
}

export interface UsageSource {
  provider: string;
  response?: unknown;
  usage?: ExplicitUsage;
}

/**
 * Extracts usage: explicit `usage` wins, else the raw provider response is read.
 * Returns `undefined` when no usage can be found (the interaction is then stored unpriced).
 *
 * @example
 * normalizeUsage({ provider: 'openai', response: { usage: { prompt_tokens: 10, completion_tokens: 2 } } });
 * // { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 }
 */
export function normalizeUsage(source: UsageSource): NormalizedUsage | undefined {
  if (source.usage) {
    return {
      inputTokens: source.usage.inputTokens,
      outputTokens: source.usage.outputTokens,
      cachedInputTokens: source.usage.cachedInputTokens ?? 0,
      cacheWriteInputTokens: source.usage.cacheWriteInputTokens ?? 0,
      reasoningTokens: source.usage.reasoningTokens ?? 0,
    };
  }
  const usage = (source.response as { usage?: Record<string, unknown> } | undefined)?.usage;
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  const promptDetails = usage.prompt_tokens_details as { cached_tokens?: number } | undefined;
  const completionDetails = usage.completion_tokens_details as { reasoning_tokens?: number } | undefined;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
    cachedInputTokens: promptDetails?.cached_tokens ?? 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: completionDetails?.reasoning_tokens ?? 0,
  };
}
