/**
 * The shapes of reconciliation: what a provider's own usage and cost reports say about a day,
 * what the ledger's rollups say, and the item that compares them. Domain code: no AWS, no
 * network. Money is integer nano-USD; token and request counts are integers.
 */

/** Token counts by type. `input` includes cached reads and cache writes, as in the ledger. */
export interface TokenCounts {
  input: number;
  cachedInput: number;
  cacheWriteInput: number;
  output: number;
}

/**
 * One model's usage on one UTC day as the provider reports it, summed over the provider
 * projects, workspaces or API keys that belong to the tokentrail project.
 */
export interface ProviderUsage {
  date: string;
  /** The provider's model name, e.g. `gpt-4o-2024-08-06`. */
  model: string;
  /** Requests; `null` when the provider does not count them (Anthropic's usage report). */
  requests: number | null;
  tokens: TokenCounts;
  /** Of the requests, those sent through the provider's batch API (`null` when not reported). */
  batchRequests: number | null;
  /** Input and output tokens of batch usage (billed at batch rates). */
  batchTokens: number;
}

/** One model's billed cost on one UTC day, from the provider's cost report. */
export interface ProviderCost {
  date: string;
  model: string;
  costNanos: number;
}

/**
 * What one provider reports for a range of days. `costs` is `null` when the provider cannot
 * attribute cost to the project's scope (e.g. Anthropic's cost report has no API-key grouping).
 */
export interface ProviderReport {
  usage: ProviderUsage[];
  costs: ProviderCost[] | null;
}

/** One model's day in the ledger, from its daily rollup. */
export interface LedgerUsage {
  date: string;
  provider: string;
  model: string;
  /** Calls that completed successfully (what a provider counts as a model request). */
  requests: number;
  tokens: TokenCounts;
  costNanos: number;
  /** Completed calls the ledger could not price (they count as $0 in `costNanos`). */
  unpricedRequests: number;
}

/** A project pricing override that priced a model on the day. */
export interface AppliedOverride {
  ruleId: string;
  /** `discount`: a percentage off the catalog; `prices`: explicit prices. */
  ruleKind: 'discount' | 'prices';
  discountPercent?: string;
}

/** A known reason why the ledger and the provider disagree. */
export type DriftCause =
  /** The provider saw more than the ledger: calls that never reached it. `estimatedNanos` ≈ their cost. */
  | { kind: 'untracked_calls'; estimatedNanos: number }
  /** Completed calls the ledger holds at $0 because no rule priced them. */
  | { kind: 'unpriced_calls'; requests: number }
  /** A project override prices the model, e.g. a negotiated discount the bill does not show. */
  | ({ kind: 'override' } & AppliedOverride)
  /** The provider billed batch usage at batch rates. */
  | { kind: 'batch'; requests: number | null; tokens: number }
  /** The ledger has the model's calls but the provider's report has none (another account, or not reported yet). */
  | { kind: 'ledger_only' }
  /** Billed cost without model usage on either side (tools, storage, fine-tuning line items). */
  | { kind: 'cost_only' }
  /** Nothing above explains the drift. */
  | { kind: 'unexplained' };

export type DriftCauseKind = DriftCause['kind'];

/** Ledger ÷ provider; `null` where the provider reported nothing to compare with. */
export interface Coverage {
  requests: number | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
}

/** One day × provider × model, ledger against the provider's reports. */
export interface ReconciliationItem {
  date: string;
  /** The ledger's provider name (`openai`, `anthropic`). */
  provider: string;
  /** The model's reconciliation name: dated snapshots of one model are one row (see `modelKey`). */
  model: string;
  /** The names each side used for it. */
  ledgerModels: string[];
  providerModels: string[];
  ledger: {
    requests: number;
    tokens: TokenCounts;
    costNanos: number;
    unpricedRequests: number;
  };
  /** What the provider's own reports say. */
  providerReport: {
    requests: number | null;
    tokens: TokenCounts;
    /** `null` when the provider's cost cannot be attributed to the project. */
    costNanos: number | null;
    batchRequests: number | null;
    batchTokens: number;
  };
  coverage: Coverage;
  /** Ledger cost − provider cost; `null` without a provider cost. */
  driftNanos: number | null;
  /**
   * The drift once the cost of untracked calls is set aside: what pricing alone explains
   * (`null` without a provider cost). This is what `cost_drift` judges.
   */
  pricingDriftNanos: number | null;
  causes: DriftCause[];
}
