/**
 * Reconciliation of one provider's days: the ledger's rollups against the provider's own usage
 * and cost reports, per day × model. Pure and deterministic: the same inputs give the same
 * items, so a re-run of a day replaces its items with identical ones.
 *
 * - **Model names.** Providers report dated snapshots (`gpt-4o-2024-08-06`,
 *   `claude-3-5-sonnet-20241022`) where the ledger may hold the alias the app asked for
 *   (`gpt-4o`). Both sides are grouped by {@link modelKey} (lower-case, vendor prefixes and a
 *   trailing date removed); each item lists the names each side used.
 * - **Coverage** is ledger ÷ provider for requests and each token type (`null` where the
 *   provider reported zero or does not count that measure). 0.9 means a tenth of what the
 *   provider served never reached the ledger.
 * - **Drift** is ledger cost − provider cost. Its known causes are listed: untracked calls
 *   (coverage below 1, with their estimated cost), unpriced calls, a project override, batch
 *   usage. `pricingDriftNanos` sets the untracked calls' estimated cost aside, so a day with
 *   missing calls is not also reported as a pricing problem.
 */
import { canonicalModelId } from '../pricing/model-id';
import type {
  AppliedOverride,
  Coverage,
  DriftCause,
  LedgerUsage,
  ProviderReport,
  ReconciliationItem,
  TokenCounts,
} from './types';

const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8})$/;

/**
 * The name both sides of a reconciliation are grouped by: the canonical model id without a
 * trailing snapshot date.
 *
 * @example
 * modelKey('gpt-4o-2024-08-06'); // 'gpt-4o'
 * modelKey('claude-3-5-sonnet-20241022'); // 'claude-3-5-sonnet'
 */
export function modelKey(model: string): string {
  return canonicalModelId(model).replace(SNAPSHOT_SUFFIX, '');
}

const zeroTokens = (): TokenCounts => ({ input: 0, cachedInput: 0, cacheWriteInput: 0, output: 0 });

function addTokens(into: TokenCounts, tokens: TokenCounts): void {
  into.input += tokens.input;
  into.cachedInput += tokens.cachedInput;
  into.cacheWriteInput += tokens.cacheWriteInput;
  into.output += tokens.output;
}

/** ledger ÷ provider, `null` when the provider reported nothing (or does not count it). */
export function ratio(ledger: number, provider: number | null): number | null {
  if (provider === null || provider === 0) return null;
  return ledger / provider;
}

interface Group {
  date: string;
  model: string;
  ledgerModels: Set<string>;
  providerModels: Set<string>;
  ledger: ReconciliationItem['ledger'];
  provider: ReconciliationItem['providerReport'] & { seen: boolean; costSeen: boolean };
}

export interface ReconcileDaysInput {
  provider: string;
  /** The ledger's daily model rollups of the days (any provider; others are ignored). */
  ledger: readonly LedgerUsage[];
  report: ProviderReport;
  /** The project override that prices a ledger model on a day, if any. */
  overrideFor?: (model: string, date: string) => AppliedOverride | undefined;
}

/**
 * Compares the ledger with a provider's report, one item per day × model seen on either side,
 * sorted by day and model.
 *
 * @example
 * reconcileDays({ provider: 'openai', ledger, report });
 * // [{ date: '2026-11-21', model: 'gpt-4o', coverage: { requests: 0.909, ... }, driftNanos: -100_000_000, ... }]
 */
export function reconcileDays(input: ReconcileDaysInput): ReconciliationItem[] {
  const groups = new Map<string, Group>();
  const groupOf = (date: string, model: string): Group => {
    const model_ = modelKey(model);
    const id = `${date}\u0000${model_}`;
    let group = groups.get(id);
    if (!group) {
      group = {
        date,
        model: model_,
        ledgerModels: new Set(),
        providerModels: new Set(),
        ledger: { requests: 0, tokens: zeroTokens(), costNanos: 0, unpricedRequests: 0 },
        provider: {
          requests: 0,
          tokens: zeroTokens(),
          costNanos: 0,
          batchRequests: 0,
          batchTokens: 0,
          seen: false,
          costSeen: false,
        },
      };
      groups.set(id, group);
    }
    return group;
  };

  for (const day of input.ledger) {
    if (day.provider !== input.provider) continue;
    const group = groupOf(day.date, day.model);
    group.ledgerModels.add(day.model);
    group.ledger.requests += day.requests;
    addTokens(group.ledger.tokens, day.tokens);
    group.ledger.costNanos += day.costNanos;
    group.ledger.unpricedRequests += day.unpricedRequests;
  }
  let requestsCounted = true;
  for (const usage of input.report.usage) {
    const group = groupOf(usage.date, usage.model);
    group.providerModels.add(usage.model);
    group.provider.seen = true;
    if (usage.requests === null) requestsCounted = false;
    else group.provider.requests = (group.provider.requests ?? 0) + usage.requests;
    addTokens(group.provider.tokens, usage.tokens);
    group.provider.batchRequests =
      usage.batchRequests === null || group.provider.batchRequests === null
        ? null
        : group.provider.batchRequests + usage.batchRequests;
    group.provider.batchTokens += usage.batchTokens;
  }
  for (const cost of input.report.costs ?? []) {
    const group = groupOf(cost.date, cost.model);
    group.providerModels.add(cost.model);
    group.provider.costSeen = true;
    group.provider.costNanos = (group.provider.costNanos ?? 0) + cost.costNanos;
  }

  const items = [...groups.values()].map((group) =>
    toItem(input.provider, group, {
      requestsCounted,
      costsReported: input.report.costs !== null,
      override: [...group.ledgerModels]
        .sort()
        .map((model) => input.overrideFor?.(model, group.date))
        .find((found) => found !== undefined),
    }),
  );
  return items.sort((a, b) => (a.date === b.date ? compare(a.model, b.model) : compare(a.date, b.date)));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toItem(
  providerName: string,
  group: Group,
  context: { requestsCounted: boolean; costsReported: boolean; override: AppliedOverride | undefined },
): ReconciliationItem {
  const { seen, costSeen: _, ...providerSide } = group.provider;
  const provider: ReconciliationItem['providerReport'] = {
    ...providerSide,
    requests: context.requestsCounted ? providerSide.requests : null,
    costNanos: context.costsReported ? providerSide.costNanos : null,
    batchRequests: context.requestsCounted ? providerSide.batchRequests : null,
  };
  const { ledger } = group;
  const coverage: Coverage = {
    requests: ratio(ledger.requests, provider.requests),
    inputTokens: ratio(ledger.tokens.input, provider.tokens.input),
    cachedInputTokens: ratio(ledger.tokens.cachedInput, provider.tokens.cachedInput),
    outputTokens: ratio(ledger.tokens.output, provider.tokens.output),
  };
  const driftNanos = provider.costNanos === null ? null : ledger.costNanos - provider.costNanos;
  const causes: DriftCause[] = [];
  // Cost follows tokens, so the untracked calls' cost is estimated from input-token coverage
  // (requests where the provider reports no tokens).
  const seenShare = coverage.inputTokens ?? coverage.requests;
  let untrackedNanos = 0;
  const measures = [coverage.requests, coverage.inputTokens, coverage.outputTokens];
  if (measures.some((value) => value !== null && value < 1)) {
    const missing = seenShare === null ? 0 : Math.max(0, 1 - seenShare);
    untrackedNanos = provider.costNanos === null ? 0 : Math.round(provider.costNanos * missing);
    causes.push({ kind: 'untracked_calls', estimatedNanos: untrackedNanos });
  }
  const ledgerUsed = ledger.requests + ledger.tokens.input + ledger.tokens.output > 0;
  if (!seen && ledgerUsed) causes.push({ kind: 'ledger_only' });
  if (!seen && !ledgerUsed && (provider.costNanos ?? 0) !== 0) causes.push({ kind: 'cost_only' });
  if (ledger.unpricedRequests > 0) causes.push({ kind: 'unpriced_calls', requests: ledger.unpricedRequests });
  if (context.override) causes.push({ kind: 'override', ...context.override });
  if (provider.batchTokens > 0)
    causes.push({ kind: 'batch', requests: provider.batchRequests, tokens: provider.batchTokens });
  const pricingDriftNanos = driftNanos === null ? null : driftNanos + untrackedNanos;
  if (pricingDriftNanos !== null && pricingDriftNanos !== 0 && causes.length === 0)
    causes.push({ kind: 'unexplained' });
  return {
    date: group.date,
    provider: providerName,
    model: group.model,
    ledgerModels: [...group.ledgerModels].sort(),
    providerModels: [...group.providerModels].sort(),
    ledger,
    providerReport: provider,
    coverage,
    driftNanos,
    pricingDriftNanos,
    causes,
  };
}
