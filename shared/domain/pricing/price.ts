import type { NormalizedUsage } from '../normalize/types';
import { usageProblems } from '../normalize/validate';
import { costNanos, type Term } from './arithmetic';
import { shippedRulesFor } from './catalog';
import {
  type CompiledPrices,
  type CompiledRule,
  candidates,
  compileRules,
  inEffect,
  providerSearchKeys,
} from './compile';
import { modelLookupKeys } from './model-id';
import { type CostBreakdown, type PricingRule, type UnpricedReason, zeroCostAmounts } from './types';

export interface PriceUsageArgs {
  provider: string;
  model: string;
  usage: NormalizedUsage | undefined;
  /** The interaction's own time (ISO 8601); selects the rule in effect then. */
  at: string;
  /** True when the call went through the provider's batch API. */
  batch?: boolean;
  /** Project overrides, consulted before the catalog (the processor's name for `overrides`). */
  rules?: readonly PricingRule[];
  /** Project overrides, consulted before the catalog. */
  overrides?: readonly PricingRule[];
  /**
   * The imported global catalog layer (`tokentrail pricing import`): consulted after project
   * overrides and before the shipped catalog, so a deployed stack takes new prices without a deploy.
   */
  layer?: readonly PricingRule[];
  /** Replaces the shipped catalog (tests, benchmarks). */
  catalog?: readonly PricingRule[];
  /** The response's `service_tier` (`flex`, `priority`, …); standard when absent or `default`/`auto`. */
  serviceTier?: string;
}

/** The rule that prices a model at a time, with the catalog rule a discount rule applies to. */
export interface ResolvedRule {
  rule: CompiledRule;
  discount?: CompiledRule;
}

/** Service tier names that mean the standard prices. */
const STANDARD_TIERS = new Set(['default', 'auto', 'standard', 'on_demand', '']);

/**
 * Prices one interaction's usage in integer nano-USD.
 *
 * - Rule choice: project overrides first, then the catalog; within each, the most specific pattern
 *   in effect at `at` (exact id, then the longest wildcard prefix). A discount override takes the
 *   catalog rule in effect for the same model and takes its percentage off every price.
 * - Long-context tiers: when `inputTokens` (cached reads and writes included) is above a tier's
 *   threshold, the whole request is priced at that tier.
 * - Batch: explicit batch prices when the rule has them, else the rule's batch discount.
 * - Never throws for data: no usage, an inconsistent usage, an unparsable time or an unknown model
 *   give `priced: false` with `unpricedReason` and zero amounts (never a $0 "priced" record).
 *
 * @example
 * priceUsage({ provider: 'openai', model: 'gpt-4o', at: '2025-01-01T00:00:00Z',
 *   usage: { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 } });
 * // { priced: true, inputNanos: 2_500_000, outputNanos: 1_000_000, totalNanos: 3_500_000, ruleId: 'openai/gpt-4o@2024-10-02', ... }
 */
export function priceUsage(args: PriceUsageArgs): CostBreakdown {
  const { usage } = args;
  if (!usage) return unpriced('missing_usage');
  const atMs = Date.parse(args.at);
  if (Number.isNaN(atMs)) return unpriced('invalid_time');
  if (usageProblems(usage).length > 0) return unpriced('invalid_usage');
  const resolved = resolveRule(args, atMs);
  if (!resolved) return unpriced(isKnownProvider(args) ? 'unknown_model' : 'unknown_provider');
  try {
    return computeCost(usage, resolved, args.batch === true, args.serviceTier);
  } catch {
    // Only amounts beyond 2^53 nano-USD (≈ $9M for one interaction) get here.
    return unpriced('invalid_usage');
  }
}

/**
 * Finds the rule that would price `model` at `at`: overrides first, then the catalog.
 *
 * @example
 * findRule({ provider: 'openai', model: 'gpt-4o-2024-05-13', at: '2025-01-01T00:00:00Z' })?.rule.rule.id;
 * // 'openai/gpt-4o-2024-05-13'
 */
export function findRule(
  args: Pick<PriceUsageArgs, 'provider' | 'model' | 'at' | 'rules' | 'overrides' | 'layer' | 'catalog'>,
): ResolvedRule | undefined {
  const atMs = Date.parse(args.at);
  return Number.isNaN(atMs) ? undefined : resolveRule(args, atMs);
}

/** True when the catalog or an override has any rule for the provider (under any of its search keys). */
function isKnownProvider(
  args: Pick<PriceUsageArgs, 'provider' | 'rules' | 'overrides' | 'layer' | 'catalog'>,
): boolean {
  const keys = providerSearchKeys(args.provider);
  return [args.catalog ?? shippedRulesFor(keys), args.layer, args.overrides, args.rules].some(
    (rules) => rules !== undefined && keys.some((key) => compileRules(rules).byProvider.has(key)),
  );
}

function resolveRule(
  args: Pick<PriceUsageArgs, 'provider' | 'model' | 'rules' | 'overrides' | 'layer' | 'catalog'>,
  atMs: number,
): ResolvedRule | undefined {
  const providers = providerSearchKeys(args.provider);
  const models = lookupKeys(providers[0]!, args.model);
  const find = (rules: readonly PricingRule[]): CompiledRule | undefined => {
    const index = compileRules(rules);
    for (const model of models) {
      const rule = inEffect(candidates(index, providers, model), atMs);
      if (rule) return rule;
    }
    return undefined;
  };
  const fromCatalog = (): CompiledRule | undefined =>
    (args.layer && args.layer.length > 0 ? find(args.layer) : undefined) ??
    find(args.catalog ?? shippedRulesFor(providers));
  for (const overrides of [args.overrides, args.rules]) {
    if (!overrides || overrides.length === 0) continue;
    const override = find(overrides);
    if (!override) continue;
    if (override.discountKeepPpm === undefined) return { rule: override };
    const base = fromCatalog();
    return base ? { rule: base, discount: override } : undefined;
  }
  const rule = fromCatalog();
  return rule ? { rule } : undefined;
}

const LOOKUP_MEMO_LIMIT = 20_000;
const lookupMemo = new Map<string, string[]>();

/** {@link modelLookupKeys}, memoized: the same few models recur in every batch. */
function lookupKeys(provider: string, model: string): string[] {
  const key = `${provider}|${model}`;
  let keys = lookupMemo.get(key);
  if (!keys) {
    if (lookupMemo.size >= LOOKUP_MEMO_LIMIT) lookupMemo.clear();
    keys = modelLookupKeys(provider, model);
    lookupMemo.set(key, keys);
  }
  return keys;
}

function computeCost(
  usage: NormalizedUsage,
  resolved: ResolvedRule,
  batch: boolean,
  serviceTier: string | undefined,
): CostBreakdown {
  const { rule, discount } = resolved;
  const tier = rule.tiers.find((candidate) => usage.inputTokens > candidate.aboveInputTokens);
  let prices: CompiledPrices = tier ? tier.prices : rule.prices!;
  const keep: bigint[] = [];
  let batchApplied = false;
  const namedTier = serviceTier?.trim().toLowerCase() ?? '';
  let tierApplied: string | undefined;
  if (!batch && !STANDARD_TIERS.has(namedTier)) {
    const priced = rule.serviceTiers?.get(namedTier);
    if (!priced) return unpriced('unknown_service_tier');
    if (priced.prices) prices = priced.prices;
    else if (priced.keepPpm !== undefined) keep.push(priced.keepPpm);
    tierApplied = namedTier;
  }
  if (batch) {
    const explicit = tier ? tier.batchPrices : rule.batchPrices;
    if (explicit) {
      prices = explicit;
      batchApplied = true;
    } else if (rule.batchKeepPpm !== undefined) {
      keep.push(rule.batchKeepPpm);
      batchApplied = true;
    }
  }
  if (discount?.discountKeepPpm !== undefined) keep.push(discount.discountKeepPpm);

  const writes = usage.cacheWriteInputTokens;
  const uncached = usage.inputTokens - usage.cachedInputTokens - writes;
  const audioIn = Math.min(usage.audioInputTokens ?? 0, uncached);
  const imageIn = Math.min(usage.imageInputTokens ?? 0, uncached - audioIn);
  const write1h = usage.cacheWrite1hInputTokens ?? 0;
  const visibleOutput = usage.outputTokens - usage.reasoningTokens;
  const audioOut = Math.min(usage.audioOutputTokens ?? 0, visibleOutput);
  const imageOut = Math.min(usage.imageOutputTokens ?? 0, visibleOutput - audioOut);

  const amount = (terms: Term[]): number => costNanos(terms, keep);
  const inputNanos = amount([
    [uncached - audioIn - imageIn, prices.input],
    [audioIn, prices.audioInput],
    [imageIn, prices.imageInput],
  ]);
  const cachedInputNanos = amount([[usage.cachedInputTokens, prices.cachedInput]]);
  // Writes not reported as 1 hour are 5 minute writes (the default lifetime), split or not.
  const cacheWriteNanos = amount([
    [writes - write1h, prices.cacheWrite],
    [write1h, prices.cacheWrite1h],
  ]);
  const outputNanos = amount([
    [visibleOutput - audioOut - imageOut, prices.output],
    [audioOut, prices.audioOutput],
    [imageOut, prices.imageOutput],
  ]);
  const reasoningNanos = amount([[usage.reasoningTokens, prices.reasoning]]);
  // Per-call fees are list prices per thousand calls: calls × 1000 "tokens" at that price per million.
  const searchFee = rule.feesPerThousand?.get('webSearch');
  const requestFee = rule.feesPerThousand?.get('request');
  const toolCallNanos = costNanos(
    [
      [(usage.webSearchCalls ?? 0) * 1000, searchFee ?? 0n],
      [requestFee ? 1000 : 0, requestFee ?? 0n],
    ],
    keep,
  );
  const breakdown: CostBreakdown = {
    priced: true,
    currency: 'USD',
    inputNanos,
    cachedInputNanos,
    cacheWriteNanos,
    outputNanos,
    reasoningNanos,
    totalNanos:
      inputNanos + cachedInputNanos + cacheWriteNanos + outputNanos + reasoningNanos + toolCallNanos,
    ruleId: (discount ?? rule).rule.id,
    ruleVersion: (discount ?? rule).rule.version,
  };
  if (discount) {
    breakdown.baseRuleId = rule.rule.id;
    breakdown.baseRuleVersion = rule.rule.version;
  }
  if (toolCallNanos > 0) breakdown.toolCallNanos = toolCallNanos;
  if (tier) breakdown.tier = tier.name;
  if (batchApplied) breakdown.batch = true;
  if (tierApplied) breakdown.serviceTier = tierApplied;
  return breakdown;
}

function unpriced(reason: UnpricedReason): CostBreakdown {
  return { priced: false, currency: 'USD', ...zeroCostAmounts(), unpricedReason: reason };
}
