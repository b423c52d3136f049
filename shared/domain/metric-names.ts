/**
 * The names of tokentrail's own CloudWatch metrics (EMF, namespace `Tokentrail`), shared by the
 * code that emits them and by the dashboard and alarms (infra/constructs/observability.ts).
 * test/infra/metric-names.test.ts checks that every metric the dashboard and alarms read is
 * emitted, under that name, by the function whose `service` dimension they name. Plain data,
 * no imports: emitters add dimensions of their own (`service` always, from Powertools).
 */

/** Namespace of every metric below. */
export const METRICS_NAMESPACE = 'Tokentrail';

export const METRIC = {
  // ingest
  interactionsAccepted: 'InteractionsAccepted',
  interactionsRejected: 'InteractionsRejected',
  enqueueFailures: 'EnqueueFailures',
  spansAccepted: 'SpansAccepted',
  spansIgnored: 'SpansIgnored',
  spansRejected: 'SpansRejected',
  logRecordsIgnored: 'LogRecordsIgnored',
  logRecordsRejected: 'LogRecordsRejected',
  // process
  interactionsProcessed: 'InteractionsProcessed',
  interactionsDuplicate: 'InteractionsDuplicate',
  interactionsUnpriced: 'InteractionsUnpriced',
  payloadOffloads: 'PayloadOffloads',
  recordsDeferred: 'RecordsDeferred',
  recordFailures: 'RecordFailures',
  /** Dimension `type`: the kind of personal data or secret. */
  redactions: 'Redactions',
  /** Dimensions `project`, `model`. */
  costNanoUsd: 'CostNanoUsd',
  tokensIn: 'TokensIn',
  tokensOut: 'TokensOut',
  // reprice, sweep
  interactionsRepriced: 'InteractionsRepriced',
  interactionsNewlyPriced: 'InteractionsNewlyPriced',
  interactionsAbandoned: 'InteractionsAbandoned',
  // analysis batch jobs
  analysisBatchesCreated: 'AnalysisBatchesCreated',
  analysisRequestsBatched: 'AnalysisRequestsBatched',
  analysisBatchesProcessed: 'AnalysisBatchesProcessed',
  analysisRequestsCompleted: 'AnalysisRequestsCompleted',
  analysisRequestsFailed: 'AnalysisRequestsFailed',
  analysisRequestsRequeued: 'AnalysisRequestsRequeued',
  analysisJobErrors: 'AnalysisJobErrors',
  // analytics jobs
  rollupsWritten: 'RollupsWritten',
  /** Dimension `threshold`. */
  budgetThresholdsCrossed: 'BudgetThresholdsCrossed',
  anomalySeriesJudged: 'AnomalySeriesJudged',
  /** Dimension `kind`. */
  anomaliesDetected: 'AnomaliesDetected',
  // reconcile (dimension `provider` for the first three)
  reconcileCoverage: 'ReconcileCoverage',
  reconcileDriftNanoUsd: 'ReconcileDriftNanoUsd',
  reconcileUntrackedNanoUsd: 'ReconcileUntrackedNanoUsd',
  reconciliationItems: 'ReconciliationItems',
  reconcileFailures: 'ReconcileFailures',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
