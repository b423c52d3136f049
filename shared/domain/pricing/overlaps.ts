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
 * findOverlaps(shippedCatalog()); // []
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
  // A time-of-day rule beats an all-day one; two windows compete only where they intersect.
  if ((a.timeOfDayUtc === undefined) !== (b.timeOfDayUtc === undefined)) return false;
  if (a.timeOfDayUtc && b.timeOfDayUtc && !windowsIntersect(a.timeOfDayUtc, b.timeOfDayUtc)) return false;
  const start = (rule: PricingRule) =>
    rule.effectiveFrom ? Date.parse(rule.effectiveFrom) : Number.NEGATIVE_INFINITY;
  const end = (rule: PricingRule) =>
    rule.effectiveTo ? Date.parse(rule.effectiveTo) : Number.POSITIVE_INFINITY;
  return start(a) < end(b) && start(b) < end(a);
}

type Window = { start: string; end: string };

function windowsIntersect(a: Window, b: Window): boolean {
  const minutes = (window: Window): Set<number> => {
    const start = toMinutes(window.start);
    const end = toMinutes(window.end);
    const set = new Set<number>();
    for (let m = start; m !== end; m = (m + 1) % 1440) set.add(m);
    return set;
  };
  const inA = minutes(a);
  for (const minute of minutes(b)) if (inA.has(minute)) return true;
  return false;
}

function toMinutes(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return ((hours ?? 0) * 60 + (minutes ?? 0)) % 1440;
}
