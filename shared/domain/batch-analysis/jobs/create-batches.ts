/**
 * The batch creator: pending analysis requests → OpenAI batches.
 *
 * Steps of one run:
 * 1. Resume: every batch in the creating queue whose lease this run takes is finished from the
 *    step it reached (below), or abandoned once it has failed `maxAttempts` times.
 * 2. Read the pending queue and group it by project; a project without a usable OpenAI key is
 *    skipped (its requests stay pending).
 * 3. Plan: keep the (project, model) groups that are due ({@link dueGroups}), build their request
 *    lines from the stored interactions, fail requests whose interaction is gone or whose line
 *    is too large, and cut the rest into files ({@link planBatches}).
 * 4. Start each planned batch and take it through its recorded steps, each idempotent:
 *
 * ```
 * planned   intent written (batch item, leased) — nothing claimed yet
 * claimed   requests claimed (conditional: pending and unclaimed) — they leave the pending queue
 * uploaded  input file `tokentrail-<batchId>.jsonl` uploaded and recorded
 *           (a re-run first looks for that file name, so no second upload)
 * submitted OpenAI batch created with metadata `tokentrail_batch=<batchId>` and recorded
 *           (a re-run first looks for a batch with that metadata, so no second batch)
 * in_flight claimed requests moved to `batching_in_progress` in chunks (`batch_submitted`)
 * ```
 *
 * A crash at any point leaves a batch item in the creating queue that the next run finishes. A
 * request is in at most one batch because claiming is conditional; a batch is created at most
 * once because a re-run looks for it before creating, and a lease keeps overlapping runs apart.
 * Every status change comes from {@link transitionAnalysis}.
 */
import { randomUUID } from 'node:crypto';
import { mapLimit } from '../../concurrency';
import {
  ANALYSIS_KINDS,
  type AnalysisEvent,
  type AnalysisRequestState,
  buildAnalysisRequestLine,
  dueGroups,
  interactionText,
  lineByteLength,
  type PendingAnalysisRequest,
  planBatches,
  transitionAnalysis,
} from '..';
import { SimulatedCrashError } from './errors';
import type {
  AnalysisJobPorts,
  BatchApi,
  Clock,
  JobLog,
  ProviderBatch,
  RequestQueue,
  RequestTransition,
  TransitionFrom,
} from './ports';
import { silentLog } from './ports';
import { deleteQuietly, describeError, errorName } from './provider-calls';
import { type AnalysisBatchItem, type AnalysisRequestItem, newBatchId, type WorkRow } from './records';
import type { AnalysisJobSettings } from './settings';

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

export interface BatchCreatorOptions extends AnalysisJobSettings {
  maxRequestsPerFile?: number;
  maxBytesPerFile?: number;
  /** Most pending requests read per run; default 200,000. */
  maxPendingPerRun?: number;
  /** How long a run owns a batch it works on; default 15 minutes (longer than the function timeout). */
  leaseMs?: number;
  /** Requests per atomic write when moving them (default: the store's limit). */
  chunkSize?: number;
  /** Parallel store reads; default 16. */
  concurrency?: number;
  /** Test hook: stop with {@link SimulatedCrashError} right after this step. */
  crashAfter?: CrashPoint;
}

/** The creator's dependencies: its stores and the Batch API, a clock and a log. */
export interface BatchCreatorDeps extends AnalysisJobPorts {
  now?: Clock;
  log?: JobLog;
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
 * Runs the batch creator once (see the module comment for its steps).
 *
 * @example
 * const result = await createAnalysisBatches(ports, { minBatchSize: 100, maxWaitMs: 3_600_000, maxAttempts: 3 });
 */
export async function createAnalysisBatches(
  deps: BatchCreatorDeps,
  options: BatchCreatorOptions,
): Promise<BatchCreatorResult> {
  const run: CreatorRun = {
    deps,
    options,
    owner: randomUUID(),
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? silentLog,
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

  // 1. Resume what earlier runs left half-created.
  for (const open of await deps.batches.openBatches('creating')) {
    const nowMs = run.now().getTime();
    if (
      !(await deps.batches.acquireBatchLease(
        open.project,
        open.id,
        run.owner,
        nowMs,
        options.leaseMs ?? DEFAULT_LEASE_MS,
      ))
    )
      continue;
    const batch = await deps.batches.getBatch(open.project, open.id);
    if (!batch) continue;
    run.result.resumedBatches += 1;
    await guarded(run, batch, async () => {
      const client = await deps.openAi.clientFor(batch.project);
      await continueBatch(run, client, batch, new Map(), true);
    });
  }

  // 2. The pending queue, by project.
  const pending = await deps.requests.pendingRequests(options.maxPendingPerRun ?? 200_000);
  const byProject = groupBy(pending, (row) => row.project);
  for (const [project, rows] of byProject) {
    let client: BatchApi;
    try {
      client = await deps.openAi.clientFor(project);
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
      run.log.warn('analysis: batch creation failed for project', {
        project,
        ...describeError(deps.openAi, error),
      });
    }
  }
  return run.result;
}

interface CreatorRun {
  deps: BatchCreatorDeps;
  options: BatchCreatorOptions;
  owner: string;
  now: Clock;
  log: JobLog;
  concurrency: number;
  result: BatchCreatorResult;
}

/** 3. Plans one project's due requests and starts their batches. */
async function planProject(run: CreatorRun, client: BatchApi, project: string, rows: WorkRow[]) {
  const { options } = run;
  const now = run.now();
  const planOptions = {
    minBatchSize: options.minBatchSize,
    maxWaitMs: options.maxWaitMs,
    now,
    ...(options.maxRequestsPerFile ? { maxRequestsPerFile: options.maxRequestsPerFile } : {}),
    ...(options.maxBytesPerFile ? { maxBytesPerFile: options.maxBytesPerFile } : {}),
  };
  // Only groups that will go out now have their interactions read.
  const candidates = dueGroups(rows, planOptions).flat();
  if (candidates.length === 0) return;
  const { lines, missing } = await buildLines(run, project, candidates);
  await failUnbatchable(
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
    planOptions,
  );
  const rowsById = new Map(candidates.map((row) => [row.id, row]));
  await failUnbatchable(
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

/** 4. Writes a batch's intent, claims its requests, and takes it through the remaining steps. */
async function startBatch(
  run: CreatorRun,
  client: BatchApi,
  project: string,
  model: string,
  rows: WorkRow[],
  lines: Map<string, string>,
): Promise<void> {
  const { deps } = run;
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
  await deps.batches.putBatchIntent(batch);
  run.result.createdBatches += 1;
  crashPoint(run, 'intent_written', batch);
  await guarded(run, batch, async () => {
    await mapLimit(rows, run.concurrency, (row) =>
      deps.requests.claimRequest(row, batch.id, now.toISOString()),
    );
    crashPoint(run, 'requests_claimed', batch);
    await continueBatch(run, client, batch, lines, false);
  });
}

/** Moves a batch through its remaining creation steps (see the module comment). */
async function continueBatch(
  run: CreatorRun,
  client: BatchApi,
  batch: AnalysisBatchItem,
  lines: Map<string, string>,
  resumed: boolean,
): Promise<void> {
  const { deps } = run;
  const { project, id } = batch;
  if (batch.phase === 'planned') {
    // Claims are individually idempotent; whatever was claimed before the crash is the batch.
    await deps.batches.updateBatch(project, id, { set: { phase: 'claimed' } }, { phase: 'planned' });
    batch.phase = 'claimed';
  }

  if (batch.phase === 'claimed') {
    let rows = (await deps.requests.batchRequests(id)).filter((row) => row.status === 'pending_batching');
    const built = await buildLines(
      run,
      project,
      rows.filter((row) => !lines.has(row.id)),
    );
    for (const [requestId, line] of built.lines) lines.set(requestId, line);
    await failUnbatchable(
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
    const recorded = await deps.batches.updateBatch(
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
    const recorded = await deps.batches.updateBatch(
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
    const claimed = (await deps.requests.batchRequests(id)).filter(
      (row) => row.status === 'pending_batching',
    );
    const submitted: AnalysisEvent = { type: 'batch_submitted', batchId: id };
    const transitions = claimed.flatMap((row): RequestTransition[] => {
      // The work queue does not list attempts, and submitting does not change them.
      const { state, changed } = transitionAnalysis(
        { status: row.status, attempts: 0, claimBatchId: id },
        submitted,
        { maxAttempts: run.options.maxAttempts },
      );
      if (!changed) return [];
      return [
        {
          id: row.id,
          from: { status: row.status, claimBatchId: id },
          to: state.status,
          set: { batchId: state.batchId },
          remove: ['claimBatchId'],
          queue: { queue: 'batch', batchId: id, createdAt: row.createdAt },
        },
      ];
    });
    let chunks = 0;
    const moved = await deps.requests.applyTransitions(project, transitions, {
      now: run.now().toISOString(),
      ...(run.options.chunkSize ? { chunkSize: run.options.chunkSize } : {}),
      afterChunk: () => {
        chunks += 1;
        if (chunks === 1) crashPoint(run, 'first_chunk_moved', batch);
      },
    });
    run.result.requestsBatched += moved.size;
    await deps.batches.updateBatch(
      project,
      id,
      {
        set: { phase: 'in_flight' },
        remove: ['leaseOwner', 'leaseUntil', 'lastError', 'resumeFailures'],
        queue: 'in_flight',
      },
      { phase: 'submitted' },
    );
    run.result.batchIds.push(id);
    run.log.info('analysis: batch submitted', { project, batchId: id, openaiBatchId: batch.openaiBatchId });
  }
}

/** Runs one batch's steps; a failure is recorded on the batch and, past the attempt limit, abandons it. */
async function guarded(run: CreatorRun, batch: AnalysisBatchItem, work: () => Promise<void>): Promise<void> {
  const { deps } = run;
  try {
    await work();
  } catch (error) {
    if (error instanceof SimulatedCrashError) throw error;
    run.result.errors += 1;
    const described = describeError(deps.openAi, error);
    run.log.warn('analysis: batch creation step failed; the next run resumes it', {
      project: batch.project,
      batchId: batch.id,
      phase: batch.phase,
      ...described,
    });
    const failure = deps.openAi.failureOf(error);
    // An open circuit means the call was never made: it does not use up the batch's attempts.
    const counts = !failure?.notAttempted;
    const failures = (batch.resumeFailures ?? 0) + (counts ? 1 : 0);
    await deps.batches.updateBatch(batch.project, batch.id, {
      set: { lastError: { code: described.code, message: described.message }, resumeFailures: failures },
      remove: ['leaseOwner', 'leaseUntil'],
    });
    const permanent = failure !== undefined && !failure.retryable;
    if (counts && (permanent || failures >= run.options.maxAttempts) && batch.phase !== 'submitted') {
      const current = await deps.batches.getBatch(batch.project, batch.id);
      if (current && current.phase !== 'submitted' && current.phase !== 'in_flight') {
        const client = await deps.openAi.clientFor(batch.project).catch(() => undefined);
        await abandonBatch(run, client, current, described.code);
      }
    }
  }
}

/**
 * Gives a batch that never reached OpenAI up: its claimed requests go back to the queue, one
 * attempt used (`batch_abandoned`), or fail once their attempts are used up.
 */
async function abandonBatch(
  run: CreatorRun,
  client: BatchApi | undefined,
  batch: AnalysisBatchItem,
  code: string,
): Promise<void> {
  const { deps } = run;
  const rows = (await deps.requests.batchRequests(batch.id)).filter(
    (row) => row.status === 'pending_batching',
  );
  const requests = await deps.requests.getRequests(
    batch.project,
    rows.map((row) => row.id),
  );
  const now = run.now().toISOString();
  const transitions = requests.flatMap((request) =>
    giveUp(
      run,
      request,
      {
        status: request.status,
        attempts: request.attempts,
        ...(request.claimBatchId ? { claimBatchId: request.claimBatchId } : {}),
      },
      { status: 'pending_batching', claimBatchId: batch.id },
      { type: 'batch_abandoned', batchId: batch.id, code },
      { message: 'the batch could not be submitted', now },
    ),
  );
  const applied = await deps.requests.applyTransitions(batch.project, transitions, {
    now: run.now().toISOString(),
  });
  run.result.requestsFailed += transitions.filter(
    (t) => t.to === 'processing_failed' && applied.has(t.id),
  ).length;
  if (batch.inputFileId && client) await deleteQuietly(deps.openAi, client, batch.inputFileId);
  await deps.batches.updateBatch(batch.project, batch.id, {
    set: { phase: 'abandoned', status: 'abandoned', processedAt: run.now().toISOString() },
    remove: ['leaseOwner', 'leaseUntil'],
    queue: 'none',
  });
  run.log.warn('analysis: batch abandoned before submission', {
    project: batch.project,
    batchId: batch.id,
    code,
  });
}

/** Fails pending requests that can never be batched (`request_unbatchable`: interaction gone, line too large). */
async function failUnbatchable(
  run: CreatorRun,
  project: string,
  rows: WorkRow[],
  claimBatchId: string | null,
  code: string,
  message: string,
): Promise<void> {
  if (rows.length === 0) return;
  const now = run.now().toISOString();
  const transitions = rows.flatMap((row) =>
    giveUp(
      run,
      row,
      // Failing does not depend on attempts (the work queue does not list them) and leaves them as they are.
      { status: row.status, attempts: 0 },
      { status: 'pending_batching', claimBatchId },
      { type: 'request_unbatchable', code },
      { message, now },
      false,
    ),
  );
  const applied = await run.deps.requests.applyTransitions(project, transitions, { now });
  run.result.requestsFailed += applied.size;
}

/**
 * The transition of a pending request that leaves (or goes back to) the pending queue without
 * running: the state machine decides its status and attempts.
 */
function giveUp(
  run: CreatorRun,
  request: Pick<AnalysisRequestItem, 'id' | 'createdAt'>,
  current: AnalysisRequestState,
  from: TransitionFrom,
  event: AnalysisEvent,
  failure: { message: string; now: string },
  writeAttempts = true,
): RequestTransition[] {
  const { state, changed } = transitionAnalysis(current, event, { maxAttempts: run.options.maxAttempts });
  if (!changed) return [];
  const failed = state.status === 'processing_failed';
  const queue: RequestQueue = failed ? { queue: 'none' } : { queue: 'pending', createdAt: request.createdAt };
  return [
    {
      id: request.id,
      from,
      to: state.status,
      set: {
        ...(writeAttempts ? { attempts: state.attempts } : {}),
        error: { code: state.errorCode ?? 'unknown', message: failure.message },
        ...(failed ? { failedAt: failure.now } : {}),
      },
      remove: ['claimBatchId'],
      queue,
    },
  ];
}

/**
 * Builds each request's JSONL line from its interaction's stored, already redacted payload.
 * Requests whose interaction is gone come back in `missing`.
 */
async function buildLines(
  run: CreatorRun,
  project: string,
  rows: WorkRow[],
): Promise<{ lines: Map<string, string>; missing: WorkRow[] }> {
  const lines = new Map<string, string>();
  const missing: WorkRow[] = [];
  await mapLimit(rows, run.concurrency, async (row) => {
    const payload = await run.deps.interactions.payload(project, row.interactionId);
    if (!payload) {
      missing.push(row);
      return;
    }
    lines.set(
      row.id,
      buildAnalysisRequestLine({
        requestId: row.id,
        model: row.model,
        interactionText: interactionText(payload),
        kinds: row.analyses.length > 0 ? row.analyses : [...ANALYSIS_KINDS],
        ...(row.maxInputChars > 0 ? { maxInputChars: row.maxInputChars } : {}),
      }),
    );
  });
  return { lines, missing };
}

/** Finds the input file a crashed run uploaded, by its name. */
async function findFile(client: BatchApi, filename: string): Promise<string | undefined> {
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
  client: BatchApi,
  batchId: string,
  createdAt: string,
): Promise<ProviderBatch | undefined> {
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

function crashPoint(run: CreatorRun, step: CrashPoint, batch: AnalysisBatchItem): void {
  if (run.options.crashAfter === step) throw new SimulatedCrashError(step, batch.id);
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
