/**
 * Which reconciliation items are anomalies: `untracked_usage` when the ledger saw less than
 * `minCoverage` of what the provider served, `cost_drift` when the ledger's cost differs from
 * the provider's bill by more than `maxDriftRatio` of it (and at least `minDriftNanos`), once the
 * estimated cost of untracked calls is set aside.
 */
import * as z from 'zod';
import type { Anomaly } from '../analytics/anomaly';
import { anomalyId } from '../analytics/keys';
import { parseOrThrow } from '../analytics/options';
import { nanosToUsd } from '../money';
import type { ReconciliationItem } from './types';

export const reconcileOptionsSchema = z.strictObject({
  /** Lowest coverage (ledger ÷ provider, of requests and of input and output tokens) that is fine. */
  minCoverage: z.number().min(0).max(1).default(0.98),
  /** Judge coverage only when the provider counted at least this many requests… */
  minProviderRequests: z.number().int().nonnegative().default(10),
  /** …or, where it does not count requests, this many input + output tokens. */
  minProviderTokens: z.number().int().nonnegative().default(10_000),
  /** Largest pricing drift, as a fraction of the provider's cost, that is fine. */
  maxDriftRatio: z.number().nonnegative().default(0.02),
  /** Drift smaller than this (nano-USD, default $0.01) is never an anomaly. */
  minDriftNanos: z.number().int().nonnegative().default(10_000_000),
});

export type ReconcileOptions = z.output<typeof reconcileOptionsSchema>;
export type ReconcileOptionsInput = z.input<typeof reconcileOptionsSchema>;

const formatCoverage = (value: number) => `${(value * 100).toFixed(1)}%`;
const formatUsd = (nanos: number) => `$${nanosToUsd(nanos)}`;

function lowestCoverage(item: ReconciliationItem): { measure: string; value: number } | undefined {
  const measures = [
    ['requests', item.coverage.requests],
    ['input tokens', item.coverage.inputTokens],
    ['output tokens', item.coverage.outputTokens],
  ] as const;
  let lowest: { measure: string; value: number } | undefined;
  for (const [measure, value] of measures) {
    if (value !== null && (lowest === undefined || value < lowest.value)) lowest = { measure, value };
  }
  return lowest;
}

function enoughUsage(item: ReconciliationItem, options: ReconcileOptions): boolean {
  const report = item.providerReport;
  if (report.requests !== null) return report.requests >= options.minProviderRequests;
  return report.tokens.input + report.tokens.output >= options.minProviderTokens;
}

const describeCause = (cause: ReconciliationItem['causes'][number]): string => {
  switch (cause.kind) {
    case 'override':
      return `override ${cause.ruleId}${cause.discountPercent ? ` (${cause.discountPercent}% off)` : ''}`;
    case 'unpriced_calls':
      return `${cause.requests} unpriced calls`;
    case 'batch':
      return 'batch usage billed at batch rates';
    case 'untracked_calls':
      return `untracked calls (~${formatUsd(cause.estimatedNanos)})`;
    case 'ledger_only':
      return 'not in the provider report';
    case 'cost_only':
      return 'billed without model usage';
    case 'unexplained':
      return 'no known cause';
  }
};

/**
 * The anomalies of a project's reconciliation items (often none). Ids are the anomaly API's
 * deterministic ids, so re-reconciling a day updates them instead of adding more.
 *
 * @example
 * reconciliationAnomalies('acme', items);
 * // [{ kind: 'untracked_usage', value: 0.909, baseline: 0.98, message: 'acme openai/gpt-4o: the ledger saw 90.9% of requests ...' }]
 */
export function reconciliationAnomalies(
  project: string,
  items: readonly ReconciliationItem[],
  optionsInput: ReconcileOptionsInput = {},
): Anomaly[] {
  const options = parseOrThrow(reconcileOptionsSchema, optionsInput, 'reconcile options');
  const found: Anomaly[] = [];
  for (const item of items) {
    const subject = `${project} ${item.provider}/${item.model} on ${item.date}`;
    const details = {
      coverage: {
        requests: item.coverage.requests,
        inputTokens: item.coverage.inputTokens,
        outputTokens: item.coverage.outputTokens,
      },
      ledgerCostNanos: item.ledger.costNanos,
      providerCostNanos: item.providerReport.costNanos,
      driftNanos: item.driftNanos,
      pricingDriftNanos: item.pricingDriftNanos,
      causes: item.causes.map((cause) => ({ ...cause })),
    };
    const lowest = lowestCoverage(item);
    if (lowest && lowest.value < options.minCoverage && enoughUsage(item, options)) {
      found.push({
        id: anomalyId(project, item.provider, item.model, 'untracked_usage', item.date),
        kind: 'untracked_usage',
        period: item.date,
        project,
        provider: item.provider,
        model: item.model,
        value: lowest.value,
        baseline: options.minCoverage,
        factor: lowest.value / options.minCoverage,
        zScore: 0,
        message: `${subject}: the ledger saw ${formatCoverage(lowest.value)} of the ${lowest.measure} the provider reports (threshold ${formatCoverage(options.minCoverage)})`,
        details: { metric: 'coverage', threshold: options.minCoverage, ...details },
      });
    }
    const providerCost = item.providerReport.costNanos;
    const drift = item.pricingDriftNanos;
    const costOnly = item.causes.some((cause) => cause.kind === 'cost_only');
    if (providerCost !== null && drift !== null && !costOnly && Math.abs(drift) >= options.minDriftNanos) {
      const driftRatio = providerCost > 0 ? Math.abs(drift) / providerCost : Number.POSITIVE_INFINITY;
      if (driftRatio > options.maxDriftRatio) {
        const causes = item.causes.filter((cause) => cause.kind !== 'untracked_calls').map(describeCause);
        found.push({
          id: anomalyId(project, item.provider, item.model, 'cost_drift', item.date),
          kind: 'cost_drift',
          period: item.date,
          project,
          provider: item.provider,
          model: item.model,
          value: item.ledger.costNanos,
          baseline: providerCost,
          factor: providerCost > 0 ? item.ledger.costNanos / providerCost : null,
          zScore: 0,
          message: `${subject}: the ledger's cost ${formatUsd(item.ledger.costNanos)} differs from the provider's ${formatUsd(providerCost)} by ${formatUsd(drift)}${causes.length > 0 ? `; cause: ${causes.join(', ')}` : ''}`,
          details: { metric: 'pricingDriftNanos', threshold: options.maxDriftRatio, ...details },
        });
      }
    }
  }
  return found;
}
