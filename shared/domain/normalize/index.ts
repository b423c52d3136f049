/**
 * Usage normalization: raw provider payloads → one usage shape. Domain code: no AWS imports.
 * Each provider's semantics are documented next to its reader.
 */
export { mergeAnthropicStream, readAnthropicUsage, uniformAnthropicCacheTtl } from './anthropic';
export { readBedrockInvocationMetrics, readBedrockLlamaBody, readBedrockUsage } from './bedrock';
export { InconsistentUsageError, NormalizeError, type NormalizeErrorContext } from './errors';
export { readGeminiUsage } from './gemini';
export { type ExplicitUsageInput, normalizeUsage, responseModelOf, serviceTierOf } from './normalize';
export { readOpenAiChatUsage, readOpenAiResponsesUsage } from './openai';
export { PROVIDER_FAMILIES, type ProviderFamily, providerFamily } from './provider';
export type { NormalizedUsage, UsageShape, UsageSource } from './types';
export { assertConsistentUsage, usageProblems } from './validate';
