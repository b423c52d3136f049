/**
 * The API view of a reconciliation item (`GET /v1/reconciliation`): money in decimal USD with the
 * exact nano-USD beside it, coverage as fractions rounded to 6 decimals.
 */
import { nanosToUsd } from '../money';
import type { DriftCause, ReconciliationItem, TokenCounts } from './types';

/** Token counts in a fixed order (the stored map's order is DynamoDB's). */
const tokens = (counts: TokenCounts): TokenCounts => ({
  input: counts.input,
  cachedInput: counts.cachedInput,
  cacheWriteInput: counts.cacheWriteInput,
  output: counts.output,
});

const fraction = (value: number | null) => (value === null ? null : Math.round(value * 1e6) / 1e6);
const usd = (nanos: number | null) => (nanos === null ? null : nanosToUsd(nanos));

function apiCause(cause: DriftCause): Record<string, unknown> {
  if (cause.kind === 'untracked_calls') {
    return {
      kind: cause.kind,
      estimatedUsd: nanosToUsd(cause.estimatedNanos),
      estimatedNanoUsd: cause.estimatedNanos,
    };
  }
  return { ...cause };
}

/**
 * One item as `GET /v1/reconciliation` answers it.
 *
 * @example
 * toApiReconciliation(item);
 * // { date: '2026-11-21', provider: 'openai', model: 'gpt-4o', ledger: { requests: 100, ..., costUsd: 1 },
 * //   providerReport: { requests: 110, ..., costUsd: 1.1 }, coverage: { requests: 0.909091, ... }, driftUsd: -0.1, causes: [...] }
 */
export function toApiReconciliation(item: ReconciliationItem & { reconciledAt?: string }) {
  return {
    date: item.date,
    provider: item.provider,
    model: item.model,
    models: { ledger: item.ledgerModels, providerReport: item.providerModels },
    ledger: {
      requests: item.ledger.requests,
      tokens: tokens(item.ledger.tokens),
      costUsd: nanosToUsd(item.ledger.costNanos),
      costNanoUsd: item.ledger.costNanos,
      unpricedRequests: item.ledger.unpricedRequests,
    },
    providerReport: {
      requests: item.providerReport.requests,
      tokens: tokens(item.providerReport.tokens),
      costUsd: usd(item.providerReport.costNanos),
      costNanoUsd: item.providerReport.costNanos,
      batchRequests: item.providerReport.batchRequests,
      batchTokens: item.providerReport.batchTokens,
    },
    coverage: {
      requests: fraction(item.coverage.requests),
      inputTokens: fraction(item.coverage.inputTokens),
      cachedInputTokens: fraction(item.coverage.cachedInputTokens),
      outputTokens: fraction(item.coverage.outputTokens),
    },
    driftUsd: usd(item.driftNanos),
    driftNanoUsd: item.driftNanos,
    pricingDriftUsd: usd(item.pricingDriftNanos),
    causes: item.causes.map(apiCause),
    ...(item.reconciledAt ? { reconciledAt: item.reconciledAt } : {}),
  };
}
