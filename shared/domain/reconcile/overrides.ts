/**
 * Which project override priced a model on a day, so a drift can name it ("override
 * acme/negotiated, 20% off") instead of leaving the auditor to guess.
 */
import { findRule } from '../pricing/price';
import type { PricingRule } from '../pricing/types';
import type { AppliedOverride } from './types';

/**
 * A lookup of the override (if any) that prices a provider's model on a UTC day, judged at noon.
 *
 * @example
 * const overrideFor = overrideLookup('openai', rules);
 * overrideFor('gpt-4o', '2026-11-21'); // { ruleId: 'acme/negotiated', ruleKind: 'discount', discountPercent: '20' }
 */
export function overrideLookup(
  provider: string,
  overrides: readonly PricingRule[],
): (model: string, date: string) => AppliedOverride | undefined {
  if (overrides.length === 0) return () => undefined;
  const ids = new Set(overrides.map((rule) => rule.id));
  return (model, date) => {
    const resolved = findRule({ provider, model, at: `${date}T12:00:00.000Z`, overrides });
    if (!resolved) return undefined;
    const discount = resolved.discount?.rule;
    if (discount && discount.kind === 'discount') {
      return { ruleId: discount.id, ruleKind: 'discount', discountPercent: discount.discountPercent };
    }
    return ids.has(resolved.rule.rule.id) ? { ruleId: resolved.rule.rule.id, ruleKind: 'prices' } : undefined;
  };
}
