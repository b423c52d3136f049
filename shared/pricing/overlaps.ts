import { providerKey } from './compile';
import type { PricingRule } from './types';

/** Two rules that would compete for the same model at the same time with the same specificity. */
export interface RuleOverlap {
  provider: string;
  pattern: string;
  ruleIds: [string, string];
}

/**
 * Finds pairs of rules with the same provider and the same pattern (model or alias) whose date
 * ranges overlap: the engine could not say which price is meant. Rules with different patterns never
 * conflict (the more specific one wins), nor do the same pattern's rules for disjoint periods.
 *
 * @example
 * findOverlaps(CATALOG); // []
 */
export function findOverlaps(rules: readonly PricingRule[]): RuleOverlap[] {
  const byPattern = new Map<string, PricingRule[]>();
  for (const rule of rules) {
    for (const pattern of new Set([rule.model, ...(rule.aliases ?? [])].map((p) => p.trim().toLowerCase()))) {
      const key = `${providerKey(rule.provider)}|${pattern}`;
      const list = byPattern.get(key);
      if (list) list.push(rule);
      else byPattern.set(key, [rule]);
    }
  }
  const overlaps: RuleOverlap[] = [];
  for (const [key, list] of byPattern) {
    const [provider, pattern] = key.split('|') as [string, string];
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        if (periodsOverlap(list[i]!, list[j]!))
          overlaps.push({ provider, pattern, ruleIds: [list[i]!.id, list[j]!.id] });
      }
    }
  }
  return overlaps;
}

function periodsOverlap(a: PricingRule, b: PricingRule): boolean {
  const start = (rule: PricingRule) =>
    rule.effectiveFrom ? Date.parse(rule.effectiveFrom) : Number.NEGATIVE_INFINITY;
  const end = (rule: PricingRule) =>
    rule.effectiveTo ? Date.parse(rule.effectiveTo) : Number.POSITIVE_INFINITY;
  return start(a) < end(b) && start(b) < end(a);
}
