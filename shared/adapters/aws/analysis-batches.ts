/**
 * The analysis jobs' ports on AWS: the DynamoDB request and batch stores, the ledger's
 * interactions, and each project's OpenAI batch client (key from the environment or Secrets
 * Manager). The jobs themselves are in `shared/domain/batch-analysis/jobs`; this module only plugs these
 * adapters in, for the handlers and for the integration test that drives the creator directly.
 */

// Modules, not the jobs' index: each handler bundles only the jobs it runs.
import {
  type BatchCreatorDeps,
  type BatchCreatorOptions,
  type BatchCreatorResult,
  createAnalysisBatches,
} from '../../domain/batch-analysis/jobs/create-batches';
import type { BatchPollerDeps } from '../../domain/batch-analysis/jobs/poll-batches';
import type {
  AnalysisJobPorts,
  AnalyzedInteractions,
  BatchApiFailure,
  OpenAiBatches,
} from '../../domain/batch-analysis/jobs/ports';
import { OpenAiBatchError } from '../openai';
import { analysisBatchStore, analysisRequestStore, surfaceAnalysis } from './analysis-store';
import { getInteraction } from './ledger-store';
import { openAiClientFor } from './openai-key';

export type { CrashPoint } from '../../domain/batch-analysis/jobs/create-batches';

/** The interactions the analyses read (through the ledger store, payloads from S3 included) and are shown on. */
export const analyzedInteractions: AnalyzedInteractions = {
  payload: async (project, interactionId) => (await getInteraction(project, interactionId))?.payload,
  showAnalysis: surfaceAnalysis,
};

/**
 * What a failed call of the OpenAI batch client means to the jobs.
 *
 * @example
 * openAiFailure(new TypeError('x')); // undefined: not a client call's failure
 */
export function openAiFailure(error: unknown): BatchApiFailure | undefined {
  if (!(error instanceof OpenAiBatchError)) return undefined;
  return {
    errorClass: error.name,
    code: error.providerCode ?? (error.statusCode ? `http_${error.statusCode}` : error.kind),
    message: error.message,
    retryable: error.retryable,
    notAttempted: error.kind === 'circuit_open',
    notFound: error.statusCode === 404,
  };
}

/** Each project's OpenAI Batch API, through its cached, circuit-broken client. */
export const openAiBatches: OpenAiBatches = { clientFor: openAiClientFor, failureOf: openAiFailure };

/**
 * The batch creator's ports on AWS.
 *
 * @example
 * await createAnalysisBatches({ ...batchCreatorPorts(), log }, settings);
 */
export function batchCreatorPorts(): AnalysisJobPorts {
  return {
    requests: analysisRequestStore,
    batches: analysisBatchStore,
    interactions: analyzedInteractions,
    openAi: openAiBatches,
  };
}

/**
 * The batch poller's ports on AWS (no payload reads, so its bundle leaves the S3 client out).
 *
 * @example
 * await pollAnalysisBatches({ ...batchPollerPorts(), log }, { maxAttempts: 3 });
 */
export function batchPollerPorts(): Omit<BatchPollerDeps, 'now' | 'log'> {
  return {
    requests: analysisRequestStore,
    batches: analysisBatchStore,
    interactions: { showAnalysis: surfaceAnalysis },
    openAi: openAiBatches,
  };
}

/**
 * The batch creator on AWS, options and dependencies in one object (`now` and `log` are its
 * clock and log): how the crash-recovery integration test runs it with a crash hook.
 *
 * @example
 * await createBatches({ minBatchSize: 1, maxWaitMs: 0, maxAttempts: 3, crashAfter: 'batch_created' });
 */
export function createBatches(
  options: BatchCreatorOptions & Pick<BatchCreatorDeps, 'now' | 'log'>,
): Promise<BatchCreatorResult> {
  const { now, log, ...settings } = options;
  return createAnalysisBatches(
    { ...batchCreatorPorts(), ...(now ? { now } : {}), ...(log ? { log } : {}) },
    settings,
  );
}
