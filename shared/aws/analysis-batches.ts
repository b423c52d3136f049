/**
 * The two analysis jobs: the batch creator (pending requests → OpenAI batches) and the batch
 * poller (batch status → results on requests and interactions).
 *
 * Creating a batch is a sequence of recorded steps, each idempotent, so a crash at any point
 * leaves a batch item (in `ABATCH#creating`) that the next run finishes:
 *
 * ```
 * planned   intent written (batch item, leased) — nothing claimed yet
 * claimed   requests claimed (conditional: pending and unclaimed) — they leave the pending queue
 * uploaded  input file `tokentrail-<batchId>.jsonl` uploaded and recorded
 *           (a re-run first looks for that file name, so no second upload)
 * submitted OpenAI batch created with metadata `tokentrail_batch=<batchId>` and recorded
 *           (a re-run first looks for a batch with that metadata, so no second batch)
 * in_flight claimed requests moved to `batching_in_progress` in chunked transactions
 * ```
 *
 * A request is in at most one batch because claiming is conditional; a batch is created at most
 * once because a re-run looks for it before creating, and a lease keeps overlapping runs apart.
 */
import { randomUUID } from 'node:crypto';
import { type BatchInfo, type OpenAiBatchClient, OpenAiBatchError } from '../adapters/openai';
import {
  ANALYSIS_KINDS,
  type AnalysisKind,
  type BatchLineResult,
  buildAnalysisRequestLine,
  interactionText,
  lineByteLength,
  type PendingAnalysisRequest,
  parseBatchResults,
  planBatches,
  pollEventFor,
  TERMINAL_BATCH_STATUSES,
  transitionAnalysis,
} from '../analysis';
import { mapLimit } from '../concurrency';
import { priceUsage } from '../pricing';
import { SimulatedCrashError } from './analysis-errors';
import {
  type AnalysisBatchItem,
  type AnalysisRequestItem,
  acquireBatchLease,
  analysisView,
  applyTransitions,
  BATCHES_IN_FLIGHT,
  batchWork,
  claimAnalysisRequest,
  getAnalysisBatch,
  getAnalysisRequests,
  newBatchId,
  pendingWork,
  putBatchIntent,
  queryBatchRequests,
  queryOpenBatches,
  queryPendingRequests,
  type RequestTransition,
  surfaceAnalysis,
  updateAnalysisBatch,
  type WorkRow,
} from './analysis-store';
import { getInteraction } from './ledger-store';
import { openAiClientFor } from './openai-key';

/** Where a test can make the creator stop, as a crash right after that step would. */
export const CRASH_POINTS = [
  'intent_written',
  'requests_claimed',
  'file_uploaded',
  'batch_created',
  'batch_recorded',
  'first_chunk_moved',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Structured log sink (Powertools' Logger fits); attributes are ids, counts and codes only. */
export interface JobLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

const silent: JobLog = { info: () => undefined, warn: () => undefined };

export interface AnalysisJobSettings {
  /** A group is submitted once it has this many requests… */
  minBatchSize: number;
  /** …or once its oldest request waited this long. */
  maxWaitMs: number;
  /** Batch attempts before a request is `processing_failed`. */
  maxAttempts: number;
}

export interface BatchCreatorOptions extends AnalysisJobSettings {
  maxRequestsPerFile?: number;
  maxBytesPerFile?: number;
  /** Most pending requests read per run; default 200,000. */
  maxPendingPerRun?: number;
  /** How long a run owns a batch it works on; default 15 minutes (longer than the function timeout). */
  leaseMs?: number;
  /** Requests per transaction when moving them (default 99). */
  chunkSize?: number;
  /** Parallel DynamoDB/S3 reads; default 16. */
  concurrency?: number;
  now?: () => Date;
  log?: JobLog;
  /** Test hook: stop with {@link SimulatedCrashError} right after this step. */
  crashAfter?: CrashPoint;
}

export interface BatchCreatorResult {
  resumedBatches: number;
  createdBatches: number;
  batchIds: string[];
  requestsBatched: number;
  requestsFailed: number;
  /** Projects skipped this run (no key, open circuit, provider errors). */
  skippedProjects: string[];
  errors: number;
}

const DEFAULT_LEASE_MS = 15 * 60_000;

/**
 * Runs the batch creator once: finishes batches a previous run left half-created, then plans and
 * submits new batches from the pending queue.
 *
 * @example
 * const result = await createBatches({ minBatchSize: 100, maxWaitMs: 3_600_000, maxAttempts: 3 });
 */
export async function createBatches(options: BatchCreatorOptions): Promise<BatchCreatorResult> {
  const run: CreatorRun = {
    options,
    owner: randomUUID(),
    now: options.now ?? (() => new Date()),
    log: options.log ?? silent,
    concurrency: options.concurrency ?? 16,
    result: {
      resumedBatches: 0,
      createdBatches: 0,
      batchIds: [],
      requestsBatched: 0,
      requestsFailed: 0,
      skippedProjects: [],
      errors: 0,
    },
  };

  for (const open of await queryOpenBatches('creating')) {
    const nowMs = run.now().getTime();
    if (
      !(await acquireBatchLease(open.project, open.id, run.owner, nowMs, options.leaseMs ?? DEFAULT_LEASE_MS))
    )
      continue;
    const batch = await getAnalysisBatch(open.project, open.id);
    if (!batch) continue;
    run.result.resumedBatches += 1;
    await guarded(run, batch, async () => {
      const client = await openAiClientFor(batch.project);
      await continueBatch(run, client, batch, new Map(), true);
    });
  }

  const pending = await queryPendingRequests(options.maxPendingPerRun ?? 200_000);
  const byProject = groupBy(pending, (row) => row.project);
  for (const [project, rows] of byProject) {
    let client: OpenAiBatchClient;
    try {
      client = await openAiClientFor(project);
    } catch (error) {
      run.log.warn('analysis: no OpenAI client for project; its requests stay pending', {
        project,
        errorClass: errorName(error),
      });
      run.result.skippedProjects.push(project);
      continue;
    }
    try {
      await planProject(run, client, project, rows);
    } catch (error) {
      if (error instanceof SimulatedCrashError) throw error;
      run.result.errors += 1;
      run.result.skippedProjects.push(project);
      run.log.warn('analysis: batch creation failed for project', { project, ...describeError(error) });
    }
  }
  return run.result;
}

interface CreatorRun {
  options: BatchCreatorOptions;
  owner: string;
  now: () => Date;
  log: JobLog;
  concurrency: number;
  result: BatchCreatorResult;
}

async function planProject(run: CreatorRun, client: OpenAiBatchClient, project: string, rows: WorkRow[]) {
  const { options } = run;
  const now = run.now();
  const maxRequests = options.maxRequestsPerFile ?? 50_000;
  // Only groups that will go out now have their interactions read.
  const eligible = [...groupBy(rows, (row) => row.model).values()].filter((group) => {
    const oldest = Math.min(...group.map((row) => Date.parse(row.createdAt)));
    return (
      group.length >= options.minBatchSize ||
      group.length >= maxRequests ||
      now.getTime() - oldest >= options.maxWaitMs
    );
  });
  if (eligible.length === 0) return;
  const candidates = eligible.flat();
  const { lines, missing } = await buildLines(run, project, candidates);
  await failPending(
    run,
    project,
    missing,
    null,
    'interaction_not_found',
    'the interaction is no longer stored',
  );

  const plan = planBatches(
    candidates
      .filter((row) => lines.has(row.id))
      .map(
        (row): PendingAnalysisRequest => ({
          requestId: row.id,
          model: row.model,
          createdAt: row.createdAt,
          lineBytes: lineByteLength(lines.get(row.id)!),
          project,
        }),
      ),
    {
      minBatchSize: options.minBatchSize,
      maxWaitMs: options.maxWaitMs,
      now,
      ...(options.maxRequestsPerFile ? { maxRequestsPerFile: options.maxRequestsPerFile } : {}),
      ...(options.maxBytesPerFile ? { maxBytesPerFile: options.maxBytesPerFile } : {}),
    },
  );
  const rowsById = new Map(candidates.map((row) => [row.id, row]));
  await failPending(
    run,
    project,
    plan.oversized.map((id) => rowsById.get(id)!),
    null,
    'line_too_large',
    'the analysis request is larger than a batch file may be',
  );
  for (const planned of plan.batches) {
    await startBatch(
      run,
      client,
      project,
      planned.model,
      planned.requestIds.map((id) => rowsById.get(id)!),
      lines,
    );
  }
}

async function startBatch(
  run: CreatorRun,
  client: OpenAiBatchClient,
  project: string,
  model: string,
  rows: WorkRow[],
  lines: Map<string, string>,
): Promise<void> {
  const now = run.now();
  const batch: AnalysisBatchItem = {
    entity: 'analysis-batch',
    id: newBatchId(now),
    project,
    model,
    phase: 'planned',
    status: 'creating',
    plannedCount: rows.length,
    createdAt: now.toISOString(),
    leaseOwner: run.owner,
    leaseUntil: now.getTime() + (run.options.leaseMs ?? DEFAULT_LEASE_MS),
  };
  await putBatchIntent(batch);
  run.result.createdBatches += 1;
  crashPoint(run, 'intent_written', batch);
  await guarded(run, batch, async () => {
    await mapLimit(rows, run.concurrency, (row) => claimAnalysisRequest(row, batch.id, now.toISOString()));
    crashPoint(run, 'requests_claimed', batch);
    await continueBatch(run, client, batch, lines, false);
  });
}

/** Moves a batch through its remaining creation steps (see the module comment). */
async function continueBatch(
  run: CreatorRun,
  client: OpenAiBatchClient,
  batch: AnalysisBatchItem,
  lines: Map<string, string>,
  resumed: boolean,
): Promise<void> {
  const { project, id } = batch;
  if (batch.phase === 'planned') {
    // Claims are individually idempotent; whatever was claimed before the crash is the batch.
    await updateAnalysisBatch(project, id, { set: { phase: 'claimed' } }, { phase: 'planned' });
    batch.phase = 'claimed';
  }

  if (batch.phase === 'claimed') {
    let rows = (await queryBatchRequests(id)).filter((row) => row.status === 'pending_batching');
    const built = await buildLines(
      run,
      project,
      rows.filter((row) => !lines.has(row.id)),
    );
    for (const [requestId, line] of built.lines) lines.set(requestId, line);
    await failPending(
      run,
      project,
      built.missing,
      id,
      'interaction_not_found',
      'the interaction is no longer stored',
    );
    rows = rows.filter((row) => lines.has(row.id));
    if (rows.length === 0) {
      await abandonBatch(run, client, batch, 'nothing_to_batch');
      return;
    }
    rows.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    );
    const filename = `tokentrail-${id}.jsonl`;
    const existing = resumed ? await findFile(client, filename) : undefined;
    const fileId =
      existing ??
      (await client.uploadBatchFile(rows.map((row) => lines.get(row.id)!).join('\n'), filename)).id;
    crashPoint(run, 'file_uploaded', batch);
    const recorded = await updateAnalysisBatch(
      project,
      id,
      { set: { phase: 'uploaded', inputFileId: fileId, requestCount: rows.length } },
      { phase: 'claimed' },
    );
    if (!recorded) return;
    batch.phase = 'uploaded';
    batch.inputFileId = fileId;
    batch.requestCount = rows.length;
  }

  if (batch.phase === 'uploaded') {
    const existing = resumed ? await findBatch(client, id, batch.createdAt) : undefined;
    const info =
      existing ??
      (await client.createBatch(batch.inputFileId!, { tokentrail_batch: id, tokentrail_project: project }));
    crashPoint(run, 'batch_created', batch);
    const recorded = await updateAnalysisBatch(
      project,
      id,
      {
        set: {
          phase: 'submitted',
          openaiBatchId: info.id,
          status: info.status,
          submittedAt: run.now().toISOString(),
        },
      },
      { phase: 'uploaded' },
    );
    if (!recorded) return;
    batch.phase = 'submitted';
    batch.openaiBatchId = info.id;
    crashPoint(run, 'batch_recorded', batch);
  }

  if (batch.phase === 'submitted') {
    const claimed = (await queryBatchRequests(id)).filter((row) => row.status === 'pending_batching');
    let chunks = 0;
    const moved = await applyTransitions(
      project,
      claimed.map(
        (row): RequestTransition => ({
          id: row.id,
          from: { status: 'pending_batching', claimBatchId: id },
          to: 'batching_in_progress',
          set: { batchId: id },
          remove: ['claimBatchId'],
          work: batchWork(id, row.id, row.createdAt),
        }),
      ),
      {
        now: run.now().toISOString(),
        ...(run.options.chunkSize ? { chunkSize: run.options.chunkSize } : {}),
        afterChunk: () => {
          chunks += 1;
          if (chunks === 1) crashPoint(run, 'first_chunk_moved', batch);
        },
      },
    );
    run.result.requestsBatched += moved.size;
    await updateAnalysisBatch(
      project,
      id,
      {
        set: { phase: 'in_flight', workPk: BATCHES_IN_FLIGHT },
        remove: ['leaseOwner', 'leaseUntil', 'lastError', 'resumeFailures'],
      },
      { phase: 'submitted' },
    );
    run.result.batchIds.push(id);
    run.log.info('analysis: batch submitted', { project, batchId: id, openaiBatchId: batch.openaiBatchId });
  }
}

/** Runs one batch's steps; a failure is recorded on the batch and, past the attempt limit, abandons it. */
async function guarded(run: CreatorRun, batch: AnalysisBatchItem, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof SimulatedCrashError) throw error;
    run.result.errors += 1;
    const described = describeError(error);
    run.log.warn('analysis: batch creation step failed; the next run resumes it', {
      project: batch.project,
      batchId: batch.id,
      phase: batch.phase,
      ...described,
    });
    // An open circuit means the call was never made: it does not use up the batch's attempts.
    const counts = !(error instanceof OpenAiBatchError && error.kind === 'circuit_open');
    const failures = (batch.resumeFailures ?? 0) + (counts ? 1 : 0);
    await updateAnalysisBatch(batch.project, batch.id, {
      set: { lastError: { code: described.code, message: described.message }, resumeFailures: failures },
      remove: ['leaseOwner', 'leaseUntil'],
    });
    const permanent = error instanceof OpenAiBatchError && !error.retryable;
    if (counts && (permanent || failures >= run.options.maxAttempts) && batch.phase !== 'submitted') {
      const current = await getAnalysisBatch(batch.project, batch.id);
      if (current && current.phase !== 'submitted' && current.phase !== 'in_flight') {
        const client = await openAiClientFor(batch.project).catch(() => undefined);
        await abandonBatch(run, client, current, described.code);
      }
    }
  }
}

/** Gives a batch that never reached OpenAI up: its claimed requests go back to the queue (one attempt used). */
async function abandonBatch(
  run: CreatorRun,
  client: OpenAiBatchClient | undefined,
  batch: AnalysisBatchItem,
  code: string,
): Promise<void> {
  const rows = (await queryBatchRequests(batch.id)).filter((row) => row.status === 'pending_batching');
  const requests = await getAnalysisRequests(
    batch.project,
    rows.map((row) => row.id),
  );
  const transitions = requests.map((request): RequestTransition => {
    const attempts = request.attempts + 1;
    const failed = attempts >= run.options.maxAttempts;
    const now = run.now().toISOString();
    return {
      id: request.id,
      from: { status: 'pending_batching', claimBatchId: batch.id },
      to: failed ? 'processing_failed' : 'pending_batching',
      set: {
        attempts,
        error: { code, message: 'the batch could not be submitted' },
        ...(failed ? { failedAt: now } : {}),
      },
      remove: ['claimBatchId'],
      work: failed ? null : pendingWork(request.id, request.createdAt),
    };
  });
  const applied = await applyTransitions(batch.project, transitions, { now: run.now().toISOString() });
  run.result.requestsFailed += transitions.filter(
    (t) => t.to === 'processing_failed' && applied.has(t.id),
  ).length;
  if (batch.inputFileId && client) await deleteQuietly(client, batch.inputFileId);
  await updateAnalysisBatch(batch.project, batch.id, {
    set: { phase: 'abandoned', status: 'abandoned', processedAt: run.now().toISOString() },
    remove: ['workPk', 'workSk', 'leaseOwner', 'leaseUntil'],
  });
  run.log.warn('analysis: batch abandoned before submission', {
    project: batch.project,
    batchId: batch.id,
    code,
  });
}

/** Fails pending requests that can never be batched (interaction gone, line too large). */
async function failPending(
  run: { now: () => Date; result: { requestsFailed: number } },
  project: string,
  rows: WorkRow[],
  claimBatchId: string | null,
  code: string,
  message: string,
): Promise<void> {
  if (rows.length === 0) return;
  const now = run.now().toISOString();
  const applied = await applyTransitions(
    project,
    rows.map(
      (row): RequestTransition => ({
        id: row.id,
        from: { status: 'pending_batching', claimBatchId },
        to: 'processing_failed',
        set: { error: { code, message }, failedAt: now },
        remove: ['claimBatchId'],
        work: null,
      }),
    ),
    { now },
  );
  run.result.requestsFailed += applied.size;
}

/**
 * Builds each request's JSONL line from its interaction's stored, already redacted payload.
 * Requests whose interaction is gone come back in `missing`.
 */
async function buildLines(
  run: { concurrency: number },
  project: string,
  rows: WorkRow[],
): Promise<{ lines: Map<string, string>; missing: WorkRow[] }> {
  const lines = new Map<string, string>();
  const missing: WorkRow[] = [];
  await mapLimit(rows, run.concurrency, async (row) => {
    const found = await getInteraction(project, row.interactionId);
    if (!found) {
      missing.push(row);
      return;
    }
    lines.set(
      row.id,
      buildAnalysisRequestLine({
        requestId: row.id,
        model: row.model,
        interactionText: interactionText(found.payload),
        kinds: row.analyses.length > 0 ? row.analyses : [...ANALYSIS_KINDS],
        ...(row.maxInputChars > 0 ? { maxInputChars: row.maxInputChars } : {}),
      }),
    );
  });
  return { lines, missing };
}

async function findFile(client: OpenAiBatchClient, filename: string): Promise<string | undefined> {
  let after: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const result = await client.listFiles({ purpose: 'batch', limit: 100, ...(after ? { after } : {}) });
    const found = result.files.find((file) => file.filename === filename);
    if (found) return found.id;
    if (!result.hasMore || !result.lastId) return undefined;
    after = result.lastId;
  }
  return undefined;
}

/** Finds the batch a crashed run created for this batch id, by its metadata (newest first). */
async function findBatch(
  client: OpenAiBatchClient,
  batchId: string,
  createdAt: string,
): Promise<BatchInfo | undefined> {
  const oldest = Date.parse(createdAt) / 1000 - 3600;
  let after: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const result = await client.listBatches({ limit: 100, ...(after ? { after } : {}) });
    const found = result.batches.find((batch) => batch.metadata.tokentrail_batch === batchId);
    if (found) return found;
    if (!result.hasMore || !result.lastId || result.batches.some((batch) => batch.createdAt < oldest))
      return undefined;
    after = result.lastId;
  }
  return undefined;
}

// ── poller ─────────────────────────────────────────────────────────────────

export interface BatchPollerOptions {
  maxAttempts: number;
  chunkSize?: number;
  now?: () => Date;
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
 * Runs the batch poller once: mirrors the status of every batch in flight, and for each that
 * ended stores the results on their requests and interactions, requeues what did not run, and
 * marks the batch processed.
 *
 * @example
 * const result = await pollBatches({ maxAttempts: 3 });
 */
export async function pollBatches(options: BatchPollerOptions): Promise<BatchPollerResult> {
  const log = options.log ?? silent;
  const result: BatchPollerResult = {
    polled: 0,
    processed: 0,
    requestsCompleted: 0,
    requestsFailed: 0,
    requestsRequeued: 0,
    errors: 0,
  };
  for (const open of await queryOpenBatches('inflight')) {
    try {
      const batch = await getAnalysisBatch(open.project, open.id);
      if (!batch) continue;
      result.polled += 1;
      await pollBatch(batch, options, result, log);
    } catch (error) {
      result.errors += 1;
      log.warn('analysis: polling a batch failed; the next run retries', {
        project: open.project,
        batchId: open.id,
        ...describeError(error),
      });
    }
  }
  return result;
}

async function pollBatch(
  batch: AnalysisBatchItem,
  options: BatchPollerOptions,
  result: BatchPollerResult,
  log: JobLog,
): Promise<void> {
  const now = () => (options.now ?? (() => new Date()))();
  const client = await openAiClientFor(batch.project);
  if (batch.phase === 'processed') {
    await cleanUp(client, batch);
    return;
  }
  const info = await retrieveOrLost(client, batch);
  const endedAt = [info.completedAt, info.failedAt, info.expiredAt, info.cancelledAt].find(
    (at) => at !== undefined,
  );
  const terminal = TERMINAL_BATCH_STATUSES.includes(info.status);
  await updateAnalysisBatch(batch.project, batch.id, {
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

  const [outputJsonl, errorJsonl] = await Promise.all([
    info.outputFileId ? client.downloadFile(info.outputFileId) : Promise.resolve(undefined),
    info.errorFileId ? client.downloadFile(info.errorFileId) : Promise.resolve(undefined),
  ]);
  // Each request names its own analyses; they are checked per request below.
  const parsed = parseResults(outputJsonl, errorJsonl);
  const pricedAt = new Date((endedAt ?? now().getTime() / 1000) * 1000).toISOString();
  const rows = (await queryBatchRequests(batch.id)).filter((row) => row.status === 'batching_in_progress');
  const requests = (
    await getAnalysisRequests(
      batch.project,
      rows.map((row) => row.id),
    )
  ).filter((request) => request.status === 'batching_in_progress' && request.batchId === batch.id);

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
      work: state.status === 'pending_batching' ? pendingWork(request.id, request.createdAt) : null,
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

  const applied = await applyTransitions(
    batch.project,
    planned.map((entry) => entry.transition),
    { now: at, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) },
  );
  for (const entry of planned) {
    if (!applied.has(entry.transition.id)) continue;
    if (entry.transition.to === 'processing_complete') result.requestsCompleted += 1;
    else if (entry.transition.to === 'processing_failed') result.requestsFailed += 1;
    else result.requestsRequeued += 1;
    if (entry.transition.to !== 'pending_batching')
      await surfaceAnalysis(batch.project, entry.request.interactionId, entry.view);
  }
  // A run that crashed after moving requests but before showing their results: show them now.
  const inFlight = new Set(requests.map((request) => request.id));
  const earlier = [...parsed.keys()].filter((id) => !inFlight.has(id));
  for (const request of await getAnalysisRequests(batch.project, earlier)) {
    if (request.lastBatchId !== batch.id) continue;
    if (request.status !== 'processing_complete' && request.status !== 'processing_failed') continue;
    batchCost += request.cost?.totalNanos ?? 0;
    await surfaceAnalysis(
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

  const marked = await updateAnalysisBatch(
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
  await cleanUp(client, { ...batch, outputFileId: info.outputFileId, errorFileId: info.errorFileId });
}

/**
 * The batch's state at OpenAI. A batch OpenAI no longer knows (deleted, or created by an earlier
 * local emulator) is treated as failed, so its requests are requeued rather than polled forever.
 */
async function retrieveOrLost(client: OpenAiBatchClient, batch: AnalysisBatchItem): Promise<BatchInfo> {
  try {
    return await client.retrieveBatch(batch.openaiBatchId!);
  } catch (error) {
    if (!(error instanceof OpenAiBatchError && error.statusCode === 404)) throw error;
    return {
      id: batch.openaiBatchId!,
      status: 'failed',
      inputFileId: batch.inputFileId ?? '',
      requestCounts: batch.requestCounts ?? { total: 0, completed: 0, failed: 0 },
      errors: [{ code: 'batch_not_found' }],
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

/** Drops the batch's files at OpenAI once its results are stored, then takes it out of the index. */
async function cleanUp(client: OpenAiBatchClient, batch: AnalysisBatchItem): Promise<void> {
  for (const fileId of [batch.inputFileId, batch.outputFileId, batch.errorFileId]) {
    if (fileId) await deleteQuietly(client, fileId);
  }
  await updateAnalysisBatch(batch.project, batch.id, {
    set: { filesDeleted: true },
    remove: ['workPk', 'workSk'],
  });
}

async function deleteQuietly(client: OpenAiBatchClient, fileId: string): Promise<void> {
  try {
    await client.deleteFile(fileId);
  } catch (error) {
    // Already deleted (a re-run) is fine; anything else is retried by the next run.
    if (!(error instanceof OpenAiBatchError && error.statusCode === 404)) throw error;
  }
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

// ── helpers ────────────────────────────────────────────────────────────────

function crashPoint(run: CreatorRun, step: CrashPoint, batch: AnalysisBatchItem): void {
  if (run.options.crashAfter === step) throw new SimulatedCrashError(step, batch.id);
}

/** Sanitized description of an error for logs and stored errors: class, code, our own message. */
function describeError(error: unknown): { errorClass: string; code: string; message: string } {
  if (error instanceof OpenAiBatchError) {
    return {
      errorClass: error.name,
      code: error.providerCode ?? (error.statusCode ? `http_${error.statusCode}` : error.kind),
      message: error.message,
    };
  }
  const name = errorName(error);
  return { errorClass: name, code: name, message: `${name} while working on the batch` };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
