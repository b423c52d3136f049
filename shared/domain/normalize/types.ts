import type { ExplicitUsage } from '../interaction/schema';

/** Which raw payload shape a usage block was read from. */
export type UsageShape =
  | 'explicit'
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'gemini.generateContent'
  | 'bedrock.converse'
  | 'bedrock.invocationMetrics'
  | 'bedrock.llama'
  | 'bedrock.nova';

/**
 * One usage shape for every provider.
 * - `inputTokens` includes cached reads (`cachedInputTokens`) and cache writes (`cacheWriteInputTokens`).
 * - `outputTokens` includes `reasoningTokens`.
 * - `cacheWrite5mInputTokens` + `cacheWrite1hInputTokens` split `cacheWriteInputTokens` by cache lifetime
 *   when the vendor reports it (Anthropic); absent means "not reported", priced at the default write price.
 * - Modality counts (`audio*`, `image*`) are subsets of `inputTokens` / `outputTokens`, present only when
 *   the vendor reports them; they matter for models that price audio or image tokens differently.
 */
export interface NormalizedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  reasoningTokens: number;
  cacheWrite5mInputTokens?: number;
  cacheWrite1hInputTokens?: number;
  audioInputTokens?: number;
  audioOutputTokens?: number;
  imageInputTokens?: number;
  imageOutputTokens?: number;
  /** Web search calls the response reports (billed per call by OpenAI, Anthropic and others). */
  webSearchCalls?: number;
  /** The raw shape the counts came from (for debugging and the CLI). */
  shape?: UsageShape;
}

export interface UsageSource {
  provider: string;
  /** Raw provider response JSON, or an array of parsed stream chunks / SSE events. */
  response?: unknown;
  /** Raw provider request JSON; used for hints the response lacks (e.g. Anthropic cache TTLs). */
  request?: unknown;
  usage?: ExplicitUsage;
}

/** Reads one raw shape; returns `undefined` when the payload is not that shape. */
export type ShapeReader = (
  payload: Record<string, unknown>,
  hints: ReaderHints,
) => NormalizedUsage | undefined;

export interface ReaderHints {
  /** Cache TTL the request asked for on every cache breakpoint, when it is uniform. */
  uniformCacheTtl?: '5m' | '1h';
}
