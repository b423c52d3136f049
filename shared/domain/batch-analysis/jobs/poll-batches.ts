/**
 * The batch poller: OpenAI batch status → results on analysis requests and interactions.
 *
 * Steps of one run, for every batch in the in-flight queue (a failure is logged and counted,
 * and the next run retries that batch):
 * 1. A batch already `processed` (an earlier run stopped before cleaning up): clean up, step 6.
 * 2. Mirror the batch's status and counts from OpenAI (a batch OpenAI no longer knows counts as
 *    failed); stop here while it has not ended.
 * 3. Download its output and error files and read every line by `custom_id`.
 * 4. For each request still in this batch, turn its line into an event ({@link pollEventFor}),
 *    let {@link transitionAnalysis} decide the new status and attempts, price billed usage at
 *    batch rates, and apply all transitions in chunks (each atomic with the status counts).
 * 5. Show each finished request on its interaction — including those an earlier, crashed run
 *    moved but never showed — and mark the batch `processed` with its cost.
 * 6. Delete the batch's files at OpenAI and take it out of the in-flight queue.
 *
 * Re-running any step converges: transitions only apply to requests still in the batch, and a
 * batch is marked processed once.
 */
import { priceUsage } from '../../pricing';
import {
  type AnalysisKind,
  type BatchLineResult,
  parseBatchResults,
  pollEventFor,
  TERMINAL_BATCH_STATUSES,
  transitionAnalysis,
} from '..';
import type {
  AnalysisJobPorts,
  AnalyzedInteractions,
  BatchApi,
  Clock,
  JobLog,
  ProviderBatch,
  RequestTransition,
} from './ports';
import { silentLog } from './ports';
import { deleteQuietly, describeError } from './provider-calls';
import { type AnalysisBatchItem, type AnalysisRequestItem, analysisView } from './records';

export interface BatchPollerOptions {
  maxAttempts: number;
  /** Requests per atomic write (default: the store's limit). */
  chunkSize?: number;
}

/** The poller's dependencies: its stores and the Batch API, a clock and a log (it never reads payloads). */
export interface BatchPollerDeps extends Omit<AnalysisJobPorts, 'interactions'> {
  interactions: Pick<AnalyzedInteractions, 'showAnalysis'>;
  now?: Clock;
  log?: JobLog;
}

export interface BatchPollerResult {
  polled: number;
  processed: number;
  requestsCompleted: number;
  requestsFailed: number;
  requestsRequeued: number;
  errors: number;
}

/**
 * Runs the batch poller once (see the module comment for its steps).
 *
 * @example
 * const result = await pollAnalysisBatches(ports, { maxAttempts: 3 });
 */
export async function pollAnalysisBatches(
  deps: BatchPollerDeps,
  options: BatchPollerOptions,
): Promise<BatchPollerResult> {
  const log = deps.log ?? silentLog;
  const result: BatchPollerResult = {
    polled: 0,
    processed: 0,
    requestsCompleted: 0,
    requestsFailed: 0,
    requestsRequeued: 0,
    errors: 0,
  };
  for (const open of await deps.batches.openBatches('inflight')) {
    try {
      const batch = await deps.batches.getBatch(open.project, open.id);
      if (!batch) continue;
      result.polled += 1;
      await pollBatch(deps, batch, options, result, log);
    } catch (error) {
      result.errors += 1;
      log.warn('analysis: polling a batch failed; the next run retries', {
        project: open.project,
        batchId: open.id,
        ...describeError(deps.openAi, error),
      });
    }
  }
  return result;
}

async function pollBatch(
  deps: BatchPollerDeps,
  batch: AnalysisBatchItem,
  options: BatchPollerOptions,
  result: BatchPollerResult,
  log: JobLog,
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const client = await deps.openAi.clientFor(batch.project);
  // 1. Processed before, not cleaned up.
  if (batch.phase === 'processed') {
    await cleanUp(deps, client, batch);
    return;
  }
  // 2. Mirror the provider's status.
  const info = await retrieveOrLost(deps, client, batch);
  const endedAt = [info.completedAt, info.failedAt, info.expiredAt, info.cancelledAt].find(
    (at) => at !== undefined,
  );
  const terminal = TERMINAL_BATCH_STATUSES.includes(info.status);
  await deps.batches.updateBatch(batch.project, batch.id, {
    set: {
      status: info.status,
      requestCounts: info.requestCounts,
      outputFileId: info.outputFileId,
      errorFileId: info.errorFileId,
      ...(terminal
        ? { completedAt: new Date((endedAt ?? now().getTime() / 1000) * 1000).toISOString() }
        : {}),
    },
  });
  if (!terminal) return;

  // 3. Read the results.
  const [outputJsonl, errorJsonl] = await Promise.all([
    info.outputFileId ? client.downloadFile(info.outputFileId) : Promise.resolve(undefined),
    info.errorFileId ? client.downloadFile(info.errorFileId) : Promise.resolve(undefined),
  ]);
  // Each request names its own analyses; they are checked per request below.
  const parsed = parseResults(outputJsonl, errorJsonl);
  const pricedAt = new Date((endedAt ?? now().getTime() / 1000) * 1000).toISOString();
  const rows = (await deps.requests.batchRequests(batch.id)).filter(
    (row) => row.status === 'batching_in_progress',
  );
  const requests = (
    await deps.requests.getRequests(
      batch.project,
      rows.map((row) => row.id),
    )
  ).filter((request) => request.status === 'batching_in_progress' && request.batchId === batch.id);

  // 4. Decide and apply each request's transition.
  const at = now().toISOString();
  const planned: {
    transition: RequestTransition;
    request: AnalysisRequestItem;
    view: Record<string, unknown>;
  }[] = [];
  let batchCost = 0;
  for (const request of requests) {
    const line = checkKinds(parsed.get(request.id), request.analyses);
    const event = pollEventFor(batch.id, info.status, line);
    if (!event) continue;
    const { state, changed } = transitionAnalysis(
      { status: request.status, attempts: request.attempts, batchId: request.batchId },
      event,
      { maxAttempts: options.maxAttempts },
    );
    if (!changed) continue;
    const usage = line?.usage;
    // Batch rates; priced once here and added once, with the transition that consumes the line.
    const cost = usage
      ? priceUsage({
          provider: 'openai',
          model: line?.model ?? request.model,
          usage,
          at: pricedAt,
          batch: true,
        })
      : undefined;
    batchCost += cost?.totalNanos ?? 0;
    const error =
      state.status === 'processing_complete'
        ? undefined
        : {
            code: state.errorCode ?? 'unknown',
            message: line && !line.ok ? line.message : messageFor(state.errorCode),
          };
    const transition: RequestTransition = {
      id: request.id,
      from: { status: 'batching_in_progress', batchId: batch.id },
      to: state.status,
      set: {
        attempts: state.attempts,
        lastBatchId: batch.id,
        ...(usage ? { usage, cost } : {}),
        ...(line?.model ? { answeredModel: line.model } : {}),
        ...(line?.ok ? { result: line.analysis, completedAt: at } : {}),
        ...(error ? { error } : {}),
        ...(state.status === 'processing_failed' ? { failedAt: at } : {}),
      },
      remove: ['batchId', ...(line?.ok ? ['error', 'failedAt'] : [])],
      queue:
        state.status === 'pending_batching'
          ? { queue: 'pending', createdAt: request.createdAt }
          : { queue: 'none' },
      ...(cost?.totalNanos ? { addCostNanos: cost.totalNanos } : {}),
    };
    planned.push({
      transition,
      request,
      view: analysisView(request, state.status, state.attempts, {
        ...(line?.ok ? { result: line.analysis, completedAt: at } : {}),
        ...(error ? { error } : {}),
        ...(state.status === 'processing_failed' ? { failedAt: at } : {}),
        model: line?.model ?? request.model,
        costNanos: (request.costNanos ?? 0) + (cost?.totalNanos ?? 0),
      }),
    });
  }

  const applied = await deps.requests.applyTransitions(
    batch.project,
    planned.map((entry) => entry.transition),
    { now: at, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) },
  );
  // 5. Show the finished ones on their interactions.
  for (const entry of planned) {
    if (!applied.has(entry.transition.id)) continue;
    if (entry.transition.to === 'processing_complete') result.requestsCompleted += 1;
    else if (entry.transition.to === 'processing_failed') result.requestsFailed += 1;
    else result.requestsRequeued += 1;
    if (entry.transition.to !== 'pending_batching')
      await deps.interactions.showAnalysis(batch.project, entry.request.interactionId, entry.view);
  }
  // A run that crashed after moving requests but before showing their results: show them now.
  const inFlight = new Set(requests.map((request) => request.id));
  const earlier = [...parsed.keys()].filter((id) => !inFlight.has(id));
  for (const request of await deps.requests.getRequests(batch.project, earlier)) {
    if (request.lastBatchId !== batch.id) continue;
    if (request.status !== 'processing_complete' && request.status !== 'processing_failed') continue;
    batchCost += request.cost?.totalNanos ?? 0;
    await deps.interactions.showAnalysis(
      batch.project,
      request.interactionId,
      analysisView(request, request.status, request.attempts, {
        ...(request.result ? { result: request.result, completedAt: request.completedAt } : {}),
        ...(request.error ? { error: request.error } : {}),
        ...(request.failedAt ? { failedAt: request.failedAt } : {}),
        model: request.answeredModel ?? request.model,
        costNanos: request.costNanos ?? 0,
      }),
    );
  }

  const marked = await deps.batches.updateBatch(
    batch.project,
    batch.id,
    { set: { phase: 'processed', processedAt: at, costNanos: batchCost } },
    { phase: 'in_flight' },
  );
  if (marked) result.processed += 1;
  log.info('analysis: batch processed', {
    project: batch.project,
    batchId: batch.id,
    status: info.status,
    requests: requests.length,
    unreadableLines: parsed.unreadable,
  });
  // 6. Clean up.
  await cleanUp(deps, client, { ...batch, outputFileId: info.outputFileId, errorFileId: info.errorFileId });
}

/**
 * The batch's state at OpenAI. A batch OpenAI no longer knows (deleted, or created by an earlier
 * local emulator) is treated as failed, so its requests are requeued rather than polled forever.
 */
async function retrieveOrLost(
  deps: BatchPollerDeps,
  client: BatchApi,
  batch: AnalysisBatchItem,
): Promise<ProviderBatch> {
  try {
    return await client.retrieveBatch(batch.openaiBatchId!);
  } catch (error) {
    if (!deps.openAi.failureOf(error)?.notFound) throw error;
    return {
      id: batch.openaiBatchId!,
      status: 'failed',
      inputFileId: batch.inputFileId ?? '',
      requestCounts: batch.requestCounts ?? { total: 0, completed: 0, failed: 0 },
      metadata: {},
      createdAt: Math.floor(Date.parse(batch.createdAt) / 1000),
    };
  }
}

/** Output and error lines by `custom_id`; no kinds required here (checked per request). */
function parseResults(
  outputJsonl: string | undefined,
  errorJsonl: string | undefined,
): Map<string, BatchLineResult> & { unreadable: number } {
  const { results, unreadableLineCount } = parseBatchResults({
    ...(outputJsonl ? { outputJsonl } : {}),
    ...(errorJsonl ? { errorJsonl } : {}),
    requiredKinds: [],
  });
  return Object.assign(results, { unreadable: unreadableLineCount });
}

/** Drops the batch's files at OpenAI once its results are stored, then takes it out of the queue. */
async function cleanUp(deps: BatchPollerDeps, client: BatchApi, batch: AnalysisBatchItem): Promise<void> {
  for (const fileId of [batch.inputFileId, batch.outputFileId, batch.errorFileId]) {
    if (fileId) await deleteQuietly(deps.openAi, client, fileId);
  }
  await deps.batches.updateBatch(batch.project, batch.id, { set: { filesDeleted: true }, queue: 'none' });
}

/** A success that lacks one of the request's analyses counts as an invalid (billed) answer. */
function checkKinds(
  line: BatchLineResult | undefined,
  kinds: readonly AnalysisKind[],
): BatchLineResult | undefined {
  if (!line?.ok || kinds.length === 0) return line;
  const missing = kinds.filter((kind) => line.analysis[kind] === undefined);
  if (missing.length === 0) return line;
  return {
    ok: false,
    code: 'invalid_analysis',
    message: `answer is missing ${missing.join(', ')}`,
    statusCode: 200,
    usage: line.usage,
    ...(line.model ? { model: line.model } : {}),
  };
}

function messageFor(code: string | undefined): string {
  switch (code) {
    case 'batch_expired':
      return 'the batch expired before this request ran';
    case 'batch_cancelled':
      return 'the batch was cancelled before this request ran';
    case 'batch_failed':
      return 'the batch failed';
    case 'batch_missing_result':
      return 'the batch ended without a result for this request';
    default:
      return 'the analysis failed';
  }
}
