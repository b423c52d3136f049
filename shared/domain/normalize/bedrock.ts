import { count, countOr0, isObject, type JsonObject } from './read';
import type { NormalizedUsage } from './types';

/**
 * Amazon Bedrock Converse / ConverseStream, and Amazon Nova InvokeModel bodies.
 *
 * ```json
 * "usage": { "inputTokens": 120, "outputTokens": 480, "totalTokens": 5600,
 *   "cacheReadInputTokens": 4000, "cacheWriteInputTokens": 1000,
 *   "cacheDetails": [{ "ttl": "1h", "inputTokens": 1000 }] }
 * ```
 * - `inputTokens` EXCLUDES cache reads and writes (`totalTokens` = input + output + cache read + cache
 *   write), so the normalized `inputTokens` is the sum of the three. AWS's TokenUsage reference does not
 *   spell this out; the totals in real responses and every maintained SDK integration agree.
 * - `cacheDetails` splits writes by TTL (`5m` / `1h`) for models with extended cache lifetimes.
 * - Reasoning tokens are inside `outputTokens` and not reported separately.
 * - Nova InvokeModel answers `usage.{inputTokens, outputTokens, cacheReadInputTokenCount,
 *   cacheWriteInputTokenCount}` with the same meaning.
 * - ConverseStream: the `metadata` event carries `usage`.
 *
 * @example
 * readBedrockUsage({ inputTokens: 120, outputTokens: 480, totalTokens: 5600, cacheReadInputTokens: 4000, cacheWriteInputTokens: 1000 });
 * // { inputTokens: 5120, cachedInputTokens: 4000, cacheWriteInputTokens: 1000, outputTokens: 480, ... }
 */
export function readBedrockUsage(usage: JsonObject): NormalizedUsage | undefined {
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  if (input === undefined || output === undefined) return undefined;
  const isNova = 'cacheReadInputTokenCount' in usage || 'cacheWriteInputTokenCount' in usage;
  const cacheRead = countOr0(usage.cacheReadInputTokens ?? usage.cacheReadInputTokenCount);
  const cacheWrite = countOr0(usage.cacheWriteInputTokens ?? usage.cacheWriteInputTokenCount);
  const normalized: NormalizedUsage = {
    inputTokens: input + cacheRead + cacheWrite,
    outputTokens: output,
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: 0,
    shape: isNova ? 'bedrock.nova' : 'bedrock.converse',
  };
  if (cacheWrite > 0 && Array.isArray(usage.cacheDetails)) {
    let write5m = 0;
    let write1h = 0;
    for (const detail of usage.cacheDetails) {
      if (!isObject(detail)) continue;
      if (detail.ttl === '1h') write1h += countOr0(detail.inputTokens);
      else write5m += countOr0(detail.inputTokens);
    }
    if (write5m + write1h === cacheWrite) {
      normalized.cacheWrite5mInputTokens = write5m;
      normalized.cacheWrite1hInputTokens = write1h;
    }
  }
  return normalized;
}

/**
 * Bedrock InvokeModel streaming: the last chunk of every model carries
 * `"amazon-bedrock-invocationMetrics": { inputTokenCount, outputTokenCount, cacheReadInputTokenCount?,
 * cacheWriteInputTokenCount? }` with the same exclusive meaning as Converse.
 *
 * @example
 * readBedrockInvocationMetrics({ inputTokenCount: 18, outputTokenCount: 20 }); // { inputTokens: 18, outputTokens: 20, ... }
 */
export function readBedrockInvocationMetrics(metrics: JsonObject): NormalizedUsage | undefined {
  const input = count(metrics.inputTokenCount);
  const output = count(metrics.outputTokenCount);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = countOr0(metrics.cacheReadInputTokenCount);
  const cacheWrite = countOr0(metrics.cacheWriteInputTokenCount);
  return {
    inputTokens: input + cacheRead + cacheWrite,
    outputTokens: output,
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: 0,
    shape: 'bedrock.invocationMetrics',
  };
}

/**
 * Meta Llama on Bedrock InvokeModel: `{ "generation": "...", "prompt_token_count": 812,
 * "generation_token_count": 256, "stop_reason": "stop" }`. No caching.
 *
 * @example
 * readBedrockLlamaBody({ generation: 'Hi', prompt_token_count: 812, generation_token_count: 256 }); // { inputTokens: 812, outputTokens: 256, ... }
 */
export function readBedrockLlamaBody(body: JsonObject): NormalizedUsage | undefined {
  const prompt = count(body.prompt_token_count);
  const generation = count(body.generation_token_count);
  if (prompt === undefined || generation === undefined) return undefined;
  return {
    inputTokens: prompt,
    outputTokens: generation,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
    shape: 'bedrock.llama',
  };
}
