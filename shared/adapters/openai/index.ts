/** OpenAI Batch API adapter: batch client, per-project circuit breaker, sanitized errors. */
export * from './batch-client';
export * from './circuit-breaker';
export * from './errors';
