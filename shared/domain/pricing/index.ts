/**
 * Pricing engine: normalized usage × the matching price rule → cost in integer nano-USD.
 * Domain code: no AWS imports. See `price.ts` for rule choice, tiers and batch pricing, and
 * `arithmetic.ts` for the exact arithmetic and rounding.
 */
export { costNanos, keepPpmFromPercentOff, priceNanos } from './arithmetic';
export { catalogRules, shippedCatalog, shippedRulesFor } from './catalog';
export { compileRules, providerKey, providerSearchKeys } from './compile';
export {
  CatalogLayerTooLargeError,
  InvalidPricingRuleError,
  InvalidPricingRulesError,
  PricingError,
  type PricingErrorContext,
  type PricingRuleIssue,
} from './errors';
export { canonicalModelId, modelLookupKeys } from './model-id';
export { MAX_MODEL_MAP_ENTRIES, type ModelMap, parseModelMap, pricingModel } from './model-map';
export { findOverlaps, type RuleOverlap } from './overlaps';
export {
  MAX_CATALOG_LAYER_RULES,
  MAX_OVERRIDE_RULES,
  parsePricingRules,
  pricingRuleSchema,
  pricingRulesSchema,
} from './overrides';
export { findRule, type PriceUsageArgs, priceUsage, type ResolvedRule } from './price';
export {
  type RepriceResult,
  type RepriceSummary,
  repriceCost,
  summarizeReprice,
} from './reprice';
export type {
  BatchPricing,
  CostBreakdown,
  DiscountRule,
  PriceListRule,
  PricePerMillion,
  PriceTier,
  PricingRule,
  UnpricedReason,
} from './types';
export {
  ALL_COST_AMOUNT_FIELDS,
  COST_AMOUNT_FIELDS,
  type CostAmountField,
  isCatalogMiss,
  usdAmounts,
  zeroCostAmounts,
} from './types';
