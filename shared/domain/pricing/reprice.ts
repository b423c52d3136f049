import { ALL_COST_AMOUNT_FIELDS, type CostBreakdown } from './types';

/** How one interaction's cost changed between two pricings. */
export interface RepriceResult {
  /** True when any amount, the priced flag, the unpriced reason or the rule (id or version) changed. */
  changed: boolean;
  /** next.totalNanos − previous.totalNanos. */
  deltaNanos: number;
  ruleChanged: boolean;
  /** Was unpriced, now priced (e.g. a model added to the catalog). */
  newlyPriced: boolean;
  /** Was priced, now unpriced (e.g. a rule removed). */
  newlyUnpriced: boolean;
}

/**
 * Compares a stored cost with a fresh pricing of the same usage. Pure, for the reprice job.
 *
 * @example
 * const next = priceUsage({ ...args, at: record.timestamp });
 * const { changed, deltaNanos } = repriceCost(record.cost, next);
 */
export function repriceCost(previous: CostBreakdown, next: CostBreakdown): RepriceResult {
  const ruleChanged =
    (previous.ruleId ?? null) !== (next.ruleId ?? null) ||
    (previous.ruleVersion ?? null) !== (next.ruleVersion ?? null) ||
    (previous.baseRuleId ?? null) !== (next.baseRuleId ?? null) ||
    (previous.baseRuleVersion ?? null) !== (next.baseRuleVersion ?? null);
  const amountsChanged = ALL_COST_AMOUNT_FIELDS.some((field) => previous[field] !== next[field]);
  const changed =
    ruleChanged ||
    amountsChanged ||
    previous.priced !== next.priced ||
    previous.unpricedReason !== next.unpricedReason ||
    (previous.tier ?? null) !== (next.tier ?? null) ||
    (previous.batch ?? false) !== (next.batch ?? false) ||
    (previous.serviceTier ?? null) !== (next.serviceTier ?? null);
  return {
    changed,
    deltaNanos: next.totalNanos - previous.totalNanos,
    ruleChanged,
    newlyPriced: !previous.priced && next.priced,
    newlyUnpriced: previous.priced && !next.priced,
  };
}

/** Totals over many repricings, for the job's report. */
export interface RepriceSummary {
  count: number;
  changedCount: number;
  deltaNanos: number;
  newlyPricedCount: number;
  newlyUnpricedCount: number;
}

/**
 * Folds repricing results into a report.
 *
 * @example
 * summarizeReprice(records.map((r) => repriceCost(r.cost, priceAgain(r))));
 * // { count: 1200, changedCount: 37, deltaNanos: -1_250_000, newlyPricedCount: 3, newlyUnpricedCount: 0 }
 */
export function summarizeReprice(results: Iterable<RepriceResult>): RepriceSummary {
  const summary: RepriceSummary = {
    count: 0,
    changedCount: 0,
    deltaNanos: 0,
    newlyPricedCount: 0,
    newlyUnpricedCount: 0,
  };
  for (const result of results) {
    summary.count += 1;
    if (result.changed) summary.changedCount += 1;
    summary.deltaNanos += result.deltaNanos;
    if (result.newlyPriced) summary.newlyPricedCount += 1;
    if (result.newlyUnpriced) summary.newlyUnpricedCount += 1;
  }
  return summary;
}
