/**
 * Pricing engine: normalized usage × the matching price rule → cost in integer nano-USD.
 * Domain code: no AWS imports.
 *
 * First cut (issue A); the pricing issue owns the catalog, tiers, batch pricing and overrides.
 * `priceUsage`, `PricingRule` and `CostBreakdown` are the processor's contract.
 */
import { usdToNanos } from '../money';
import type { NormalizedUsage } from '../normalize';

export interface PricingRule {
  id: string;
  version: number;
  provider: string;
  /** Exact model id. */
  model: string;
  /** USD per million tokens, as decimal strings. */
  perMillion: { input: string; cachedInput?: string; output: string };
  source: string;
}

export interface CostBreakdown {
  priced: boolean;
  currency: 'USD';
  inputNanos: number;
  cachedInputNanos: number;
  cacheWriteNanos: number;
  outputNanos: number;
  reasoningNanos: number;
  totalNanos: number;
  ruleId?: string;
  ruleVersion?: number;
  /** Why an interaction is unpriced. */
  unpricedReason?: 'unknown_model' | 'missing_usage';
}

export const CATALOG: PricingRule[] = [
  {
    id: 'openai/gpt-4o',
    version: 1,
    provider: 'openai',
    model: 'gpt-4o',
    perMillion: { input: '2.50', cachedInput: '1.25', output: '10.00' },
    source: 'https://openai.com/api/pricing/',
  },
  {
    id: 'openai/gpt-4o-mini',
    version: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    perMillion: { input: '0.15', cachedInput: '0.075', output: '0.60' },
    source: 'https://openai.com/api/pricing/',
  },
];

const ZERO = {
  inputNanos: 0,
  cachedInputNanos: 0,
  cacheWriteNanos: 0,
  outputNanos: 0,
  reasoningNanos: 0,
  totalNanos: 0,
};

/** tokens × (nano-USD per million tokens) / 1e6, rounded half-up, exact for any size. */
export function tokensCostNanos(tokens: number, nanosPerMillion: number): number {
  const product = BigInt(tokens) * BigInt(nanosPerMillion);
  return Number((product + 500_000n) / 1_000_000n);
}

/**
 * Prices one interaction's usage.
 *
 * @example
 * priceUsage({ provider: 'openai', model: 'gpt-4o', at: '2025-01-01T00:00:00Z',
 *   usage: { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 } });
 * // { priced: true, totalNanos: 3_500_000, ... }
 */
export function priceUsage(args: {
  provider: string;
  model: string;
  usage: NormalizedUsage | undefined;
  at: string;
  batch?: boolean;
  rules?: PricingRule[];
}): CostBreakdown {
  if (!args.usage) return { priced: false, currency: 'USD', ...ZERO, unpricedReason: 'missing_usage' };
  const rule = (args.rules ?? CATALOG).find((r) => r.provider === args.provider && r.model === args.model);
  if (!rule) return { priced: false, currency: 'USD', ...ZERO, unpricedReason: 'unknown_model' };
  const { usage } = args;
  const uncachedInput = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens;
  const inputNanos = tokensCostNanos(uncachedInput, usdToNanos(rule.perMillion.input));
  const cachedInputNanos = tokensCostNanos(
    usage.cachedInputTokens,
    usdToNanos(rule.perMillion.cachedInput ?? rule.perMillion.input),
  );
  const cacheWriteNanos = tokensCostNanos(usage.cacheWriteInputTokens, usdToNanos(rule.perMillion.input));
  const outputNanos = tokensCostNanos(usage.outputTokens, usdToNanos(rule.perMillion.output));
  return {
    priced: true,
    currency: 'USD',
    inputNanos,
    cachedInputNanos,
    cacheWriteNanos,
    outputNanos,
    reasoningNanos: 0,
    totalNanos: inputNanos + cachedInputNanos + cacheWriteNanos + outputNanos,
    ruleId: rule.id,
    ruleVersion: rule.version,
  };
}
