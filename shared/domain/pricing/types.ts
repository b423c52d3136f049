/**
 * USD per million tokens, as decimal strings (exact; at most 9 decimals). Optional prices fall back:
 * `cachedInput` → `input`; `cacheWrite` → `input`; `cacheWrite1h` → `cacheWrite`; `reasoning` →
 * `output`; modality prices (`audioInput`…) → the text price of the same direction.
 */
export interface PricePerMillion {
  input: string;
  /** Cache reads (cache hits). */
  cachedInput?: string;
  /** Cache writes with the default (5 minute) lifetime, and writes whose lifetime is not reported. */
  cacheWrite?: string;
  /** Cache writes with a 1 hour lifetime (Anthropic). */
  cacheWrite1h?: string;
  output: string;
  /** Only when the vendor bills reasoning tokens differently from other output. */
  reasoning?: string;
  audioInput?: string;
  audioOutput?: string;
  imageInput?: string;
  imageOutput?: string;
}

/**
 * A long-context tier: when the request's input (including cached reads and cache writes) is above
 * `aboveInputTokens`, the WHOLE request (input, cache and output) moves to these prices.
 */
export interface PriceTier {
  aboveInputTokens: number;
  perMillion: PricePerMillion;
  /** Explicit batch prices for this tier; else the rule's batch discount applies to `perMillion`. */
  batchPerMillion?: PricePerMillion;
}

export interface BatchPricing {
  /** Explicit batch prices (complete); they win over `discountPercent`. */
  perMillion?: PricePerMillion;
  /** Percentage off every standard price (e.g. `"50"`), applied when there are no explicit prices. */
  discountPercent?: string;
}

interface RuleBase {
  id: string;
  version: number;
  /** Provider family (`openai`, `azure`, `anthropic`, `google`, `bedrock`, `mistral`) or a custom name. */
  provider: string;
  /**
   * Model pattern: an exact id (`gpt-4o-2024-08-06`), or a prefix ending in `*`
   * (`claude-3-5-sonnet-*`). Matching is case-insensitive; exact beats any wildcard, and the
   * longest wildcard prefix beats shorter ones.
   */
  model: string;
  /** More patterns priced by this rule (aliases, dated snapshots). */
  aliases?: string[];
  /** ISO date or date-time, inclusive; compared with the interaction's own time. Absent: since always. */
  effectiveFrom?: string;
  /** ISO date or date-time, exclusive. Absent: still in effect. */
  effectiveTo?: string;
  /**
   * Only for calls made in this daily UTC window (`start` inclusive, `end` exclusive, `HH:MM`; a window
   * may wrap midnight): peak and off-peak prices. A rule with a window beats one without.
   */
  timeOfDayUtc?: { start: string; end: string };
  /** URL of the vendor's pricing page (or, for overrides, who agreed to the price). */
  source: string;
  /** What was checked, or why a figure differs from the page today. */
  note?: string;
}

/** A rule with its own prices (catalog entries, fine-tuned or self-hosted models). */
export interface PriceListRule extends RuleBase {
  kind?: 'prices';
  perMillion: PricePerMillion;
  tiers?: PriceTier[];
  batch?: BatchPricing;
  /**
   * Prices of the vendor's other service tiers (`flex`, `priority`), by the name the response gives
   * in `service_tier`: explicit prices or a discount off these. A call in a tier the rule does not
   * list is left unpriced (`unknown_service_tier`) rather than priced at standard rates.
   */
  serviceTiers?: Record<string, BatchPricing>;
  /**
   * Per-call fees in USD per thousand calls, a cost line of their own: `webSearch` per web search
   * call the response reports, `request` per request (Perplexity).
   */
  perThousandCalls?: Record<string, string>;
}

/** A negotiated discount: a percentage off whatever catalog rule prices the same model at that time. */
export interface DiscountRule extends RuleBase {
  kind: 'discount';
  discountPercent: string;
}

export type PricingRule = PriceListRule | DiscountRule;

/**
 * Why an interaction is not priced. `unknown_provider`: no rule at all for the provider as named
 * (a model name alone cannot say whose price list applies); `unknown_model`: the provider is
 * known but no rule matches the model; `unknown_service_tier`: the response names a service tier
 * (`priority`, `flex`) the model's rule has no price for.
 */
export type UnpricedReason =
  | 'unknown_model'
  | 'unknown_provider'
  | 'unknown_service_tier'
  | 'missing_usage'
  | 'invalid_usage'
  | 'invalid_time';

/** Reasons a newer catalog or an override can fix: such records wait in the unpriced index for a reprice. */
export function isCatalogMiss(reason: UnpricedReason | undefined): boolean {
  return reason === 'unknown_model' || reason === 'unknown_provider' || reason === 'unknown_service_tier';
}

/**
 * The cost of one interaction in integer nano-USD, one amount per usage type:
 * `inputNanos` (uncached input, including audio/image input), `cachedInputNanos` (cache reads),
 * `cacheWriteNanos` (5 minute + 1 hour writes), `outputNanos` (output other than reasoning, including
 * audio/image output) and `reasoningNanos`; `totalNanos` is their sum.
 */
export interface CostBreakdown {
  priced: boolean;
  currency: 'USD';
  inputNanos: number;
  cachedInputNanos: number;
  cacheWriteNanos: number;
  outputNanos: number;
  reasoningNanos: number;
  /** Per-call fees (web search calls the response reports, per-request fees); in `totalNanos`. */
  toolCallNanos?: number;
  totalNanos: number;
  ruleId?: string;
  ruleVersion?: number;
  /** When the rule is a negotiated discount: the catalog rule it discounted. */
  baseRuleId?: string;
  baseRuleVersion?: number;
  /** The long-context tier applied, e.g. `above-200000`; absent for the base prices. */
  tier?: string;
  /** True when batch prices were applied. */
  batch?: boolean;
  /** The non-standard service tier priced (`flex`, `priority`). */
  serviceTier?: string;
  /** Why an interaction is unpriced. */
  unpricedReason?: UnpricedReason;
}

/** The amounts every cost has, in the order answers show them; rollups sum these. */
export const COST_AMOUNT_FIELDS = [
  'inputNanos',
  'cachedInputNanos',
  'cacheWriteNanos',
  'outputNanos',
  'reasoningNanos',
  'totalNanos',
] as const satisfies readonly (keyof CostBreakdown)[];

/** Every amount of a cost, the optional per-call fees included (in answer order). */
export const ALL_COST_AMOUNT_FIELDS = [
  'inputNanos',
  'cachedInputNanos',
  'cacheWriteNanos',
  'outputNanos',
  'reasoningNanos',
  'toolCallNanos',
  'totalNanos',
] as const satisfies readonly (keyof CostBreakdown)[];

/** Every amount of {@link COST_AMOUNT_FIELDS} at zero: an unpriced call's amounts, an empty sum's start. */
export function zeroCostAmounts(): Record<(typeof COST_AMOUNT_FIELDS)[number], number> {
  return Object.fromEntries(COST_AMOUNT_FIELDS.map((field) => [field, 0])) as Record<
    (typeof COST_AMOUNT_FIELDS)[number],
    number
  >;
}

export type CostAmountField = (typeof ALL_COST_AMOUNT_FIELDS)[number];

/** The name each amount has in decimal-USD answers. */
const USD_NAMES = {
  inputNanos: 'inputUsd',
  cachedInputNanos: 'cachedInputUsd',
  cacheWriteNanos: 'cacheWriteUsd',
  outputNanos: 'outputUsd',
  reasoningNanos: 'reasoningUsd',
  toolCallNanos: 'toolCallsUsd',
  totalNanos: 'totalUsd',
} as const satisfies Record<CostAmountField, string>;

/** The decimal-USD view of the amounts `F`, each a `T`. */
export type UsdAmounts<F extends CostAmountField, T> = { [K in F as (typeof USD_NAMES)[K]]: T };

/**
 * The amounts `fields` of a cost as an answer shows them (`inputNanos` → `inputUsd`, …), each
 * through `toUsd` (absent amounts count as 0), in the order of `fields`.
 *
 * @example
 * usdAmounts(cost, COST_AMOUNT_FIELDS, nanosToUsd); // { inputUsd: 0.0025, …, totalUsd: 0.0035 }
 */
export function usdAmounts<F extends CostAmountField, T>(
  cost: Partial<Record<CostAmountField, number>>,
  fields: readonly F[],
  toUsd: (nanos: number) => T,
): UsdAmounts<F, T> {
  return Object.fromEntries(fields.map((field) => [USD_NAMES[field], toUsd(cost[field] ?? 0)])) as UsdAmounts<
    F,
    T
  >;
}
