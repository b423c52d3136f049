import type { PriceListRule, PricePerMillion, PriceTier } from '../types';

/** Options shared by the per-vendor helpers. */
export interface EntryOptions {
  aliases?: string[];
  effectiveFrom?: string;
  effectiveTo?: string;
  tiers?: PriceTier[];
  /** Batch discount in percent; `null` when the vendor has no batch API for the model. */
  batchDiscountPercent?: string | null;
  batchPerMillion?: PricePerMillion;
  id?: string;
  version?: number;
  note?: string;
}

/**
 * Builds one catalog rule. Ids are `<provider>/<model>`, plus `@<effectiveFrom>` for a price
 * that replaced an earlier one for the same pattern.
 *
 * @example
 * entry('openai', 'gpt-4.1', { input: '2.00', cachedInput: '0.50', output: '8.00' }, 'https://platform.openai.com/docs/pricing');
 */
export function entry(
  provider: string,
  model: string,
  perMillion: PricePerMillion,
  source: string,
  options: EntryOptions = {},
): PriceListRule {
  const rule: PriceListRule = {
    id:
      options.id ??
      `${provider}/${model.replace(/[-.]?\*$/, '')}${options.effectiveFrom && options.effectiveTo === undefined ? `@${options.effectiveFrom}` : ''}`,
    version: options.version ?? 1,
    provider,
    model,
    perMillion,
    source,
  };
  if (options.aliases) rule.aliases = options.aliases;
  if (options.effectiveFrom) rule.effectiveFrom = options.effectiveFrom;
  if (options.effectiveTo) rule.effectiveTo = options.effectiveTo;
  if (options.tiers) rule.tiers = options.tiers;
  if (options.batchPerMillion) rule.batch = { perMillion: options.batchPerMillion };
  else if (options.batchDiscountPercent !== null)
    rule.batch = { discountPercent: options.batchDiscountPercent ?? '50' };
  if (options.note) rule.note = options.note;
  return rule;
}
