import { count, countOr0, isObject, type JsonObject, withExtras } from './read';
import type { NormalizedUsage } from './types';

/**
 * Google Gemini `generateContent` / `streamGenerateContent` (Gemini API and Vertex AI alike).
 *
 * ```json
 * "usageMetadata": { "promptTokenCount": 250000, "cachedContentTokenCount": 200000,
 *   "candidatesTokenCount": 1200, "thoughtsTokenCount": 3400, "toolUsePromptTokenCount": 0,
 *   "totalTokenCount": 254600,
 *   "promptTokensDetails": [{ "modality": "TEXT", "tokenCount": 249000 }, { "modality": "AUDIO", "tokenCount": 1000 }] }
 * ```
 * - `cachedContentTokenCount` is INSIDE `promptTokenCount` (cached reads are a subset).
 * - `thoughtsTokenCount` is OUTSIDE `candidatesTokenCount`: both are billed as output, so the normalized
 *   `outputTokens` is their sum and `reasoningTokens` is the thoughts.
 * - `toolUsePromptTokenCount` (tokens of tool results the model read, e.g. grounding) is billed as input
 *   and added to `inputTokens`.
 * - `promptTokensDetails` / `candidatesTokensDetails` give AUDIO and IMAGE subsets, priced differently by
 *   some models (e.g. audio input on Gemini 2.5 Flash).
 * - Streaming: every chunk may carry `usageMetadata` with running totals; the last one is final.
 *
 * @example
 * readGeminiUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 20, thoughtsTokenCount: 30 });
 * // { inputTokens: 100, cachedInputTokens: 60, outputTokens: 50, reasoningTokens: 30, ... }
 */
export function readGeminiUsage(metadata: JsonObject): NormalizedUsage | undefined {
  const prompt = count(metadata.promptTokenCount);
  if (prompt === undefined) return undefined;
  const toolPrompt = countOr0(metadata.toolUsePromptTokenCount);
  const candidates = countOr0(metadata.candidatesTokenCount);
  const thoughts = countOr0(metadata.thoughtsTokenCount);
  return withExtras<NormalizedUsage>(
    {
      inputTokens: prompt + toolPrompt,
      outputTokens: candidates + thoughts,
      cachedInputTokens: countOr0(metadata.cachedContentTokenCount),
      cacheWriteInputTokens: 0,
      reasoningTokens: thoughts,
      shape: 'gemini.generateContent',
    },
    {
      audioInputTokens: modality(metadata.promptTokensDetails, 'AUDIO'),
      imageInputTokens: modality(metadata.promptTokensDetails, 'IMAGE'),
      audioOutputTokens: modality(metadata.candidatesTokensDetails, 'AUDIO'),
      imageOutputTokens: modality(metadata.candidatesTokensDetails, 'IMAGE'),
    },
  );
}

function modality(details: unknown, name: string): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const entry of details) {
    if (isObject(entry) && entry.modality === name) total = (total ?? 0) + countOr0(entry.tokenCount);
  }
  return total;
}
