/** One day of gpt-4o, ledger and provider side alike, for the reconciliation unit tests. */
import type { LedgerUsage, ProviderUsage } from '../../../shared/domain/reconcile';

export const DAY = '2026-11-21';

/** 100 calls of 1,000 input and 100 output tokens, $0.35 in all. */
export const ledgerDay = (overrides: Partial<LedgerUsage> = {}): LedgerUsage => ({
  date: DAY,
  provider: 'openai',
  model: 'gpt-4o',
  requests: 100,
  tokens: { input: 100_000, cachedInput: 0, cacheWriteInput: 0, output: 10_000 },
  costNanos: 350_000_000,
  unpricedRequests: 0,
  ...overrides,
});

/** The same day as the provider reports it, under its snapshot name. */
export const providerDay = (overrides: Partial<ProviderUsage> = {}): ProviderUsage => ({
  date: DAY,
  model: 'gpt-4o-2024-08-06',
  requests: 100,
  tokens: { input: 100_000, cachedInput: 0, cacheWriteInput: 0, output: 10_000 },
  batchRequests: 0,
  batchTokens: 0,
  ...overrides,
});
