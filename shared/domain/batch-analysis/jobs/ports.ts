/**
 * The ports of the analysis jobs: the few operations each job needs from its stores, the OpenAI
 * Batch API, the clock and the log. `shared/adapters/aws/analysis-store.ts` implements the stores on
 * DynamoDB, `shared/adapters/openai` the Batch API; the unit tests use in-memory ones.
 *
 * Stores own the rules of storage (conditions, counters, queues, chunking); the jobs own the
 * order of the steps and every status change, which they take from the state machine in
 * `../status.ts`.
 */
import type { AnalysisStatus, ProviderBatchStatus } from '../status';
import type { StoredPayload } from '../text';
import type { AnalysisBatchItem, AnalysisRequestItem, NewAnalysisRequest, WorkRow } from './records';

/** The job's clock; tests move it. */
export type Clock = () => Date;

/** Structured log sink (Powertools' Logger fits); attributes are ids, counts and codes only. */
export interface JobLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

/** A log that drops everything (the default when a caller passes none). */
export const silentLog: JobLog = { info: () => undefined, warn: () => undefined };

// ── requests ───────────────────────────────────────────────────────────────

/**
 * Where a request waits after a transition: the pending queue, a batch's queue, or no queue.
 * Queues are ordered by the request's creation time.
 */
export type RequestQueue =
  | { queue: 'pending'; createdAt: string }
  | { queue: 'batch'; batchId: string; createdAt: string }
  | { queue: 'none' };

/** The state a transition starts from: its conditions. */
export interface TransitionFrom {
  status: AnalysisStatus;
  /** Required `batchId` (in flight). */
  batchId?: string;
  /** Required `claimBatchId`; `null` requires none. */
  claimBatchId?: string | null;
}

/** One conditional change of a request, as the state machine decided it; applied at most once. */
export interface RequestTransition {
  id: string;
  from: TransitionFrom;
  to: AnalysisStatus;
  /** Attributes to set (undefined values skipped). */
  set?: Record<string, unknown>;
  remove?: string[];
  /** Where the request waits afterwards; absent leaves it where it is. */
  queue?: RequestQueue;
  /** Added to the request's cumulative `costNanos`. */
  addCostNanos?: number;
}

export interface ApplyOptions {
  now: string;
  /** Requests per atomic write (the store's limit caps it). */
  chunkSize?: number;
  /** Called after each chunk is written, with the count applied so far. */
  afterChunk?: (applied: number) => void;
}

/** Analysis requests, their work queues and their status counts. */
export interface AnalysisRequestStore {
  /** Creates a `pending_batching` request (and counts it); an existing one is left alone. */
  createRequest(request: NewAnalysisRequest): Promise<'created' | 'exists'>;
  /** Requests by id; missing ones are left out. */
  getRequests(project: string, ids: readonly string[]): Promise<AnalysisRequestItem[]>;
  /** Pending requests of every project, oldest first within each queue shard, up to `limit`. */
  pendingRequests(limit: number): Promise<WorkRow[]>;
  /** Requests claimed by or in a batch. */
  batchRequests(batchId: string): Promise<WorkRow[]>;
  /**
   * Claims a pending request for a batch being created: it leaves the pending queue for the
   * batch's but stays `pending_batching`. False when it is no longer pending or another batch has it.
   */
  claimRequest(row: WorkRow, batchId: string, now: string): Promise<boolean>;
  /**
   * Applies transitions in chunks, each atomic with its status counts; a transition whose
   * condition no longer holds is skipped. Returns the ids applied now.
   */
  applyTransitions(
    project: string,
    transitions: readonly RequestTransition[],
    options: ApplyOptions,
  ): Promise<Set<string>>;
}

// ── batches ────────────────────────────────────────────────────────────────

/** A change of a batch item; `queue` moves it into the in-flight queue or out of every queue. */
export interface BatchChange {
  set?: Partial<AnalysisBatchItem>;
  remove?: (keyof AnalysisBatchItem)[];
  queue?: 'in_flight' | 'none';
}

/** Batch items and their two queues (being created, in flight). */
export interface AnalysisBatchStore {
  /** Writes a new batch into the creating queue; it must not exist yet. */
  putBatchIntent(batch: AnalysisBatchItem): Promise<void>;
  getBatch(project: string, batchId: string): Promise<AnalysisBatchItem | undefined>;
  /** Applies `change`, only while the attributes of `onlyIf` hold those values (`null`: absent); false when not. */
  updateBatch(
    project: string,
    batchId: string,
    change: BatchChange,
    onlyIf?: Partial<Record<keyof AnalysisBatchItem, unknown>>,
  ): Promise<boolean>;
  /** Takes the batch's lease unless another owner holds one that has not run out. */
  acquireBatchLease(
    project: string,
    batchId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<boolean>;
  /** Batches being created or in flight, oldest first. */
  openBatches(which: 'creating' | 'inflight'): Promise<{ project: string; id: string }[]>;
}

// ── interactions and projects ──────────────────────────────────────────────

/** The interactions the analyses are about. */
export interface AnalyzedInteractions {
  /** The stored (redacted) payload, or undefined when the interaction is gone. */
  payload(project: string, interactionId: string): Promise<StoredPayload | undefined>;
  /** Shows an analysis on its interaction; a missing interaction is skipped, never created. */
  showAnalysis(project: string, interactionId: string, view: Record<string, unknown>): Promise<void>;
}

/** A project's stored settings section for analysis (unparsed; the domain parses it). */
export interface AnalysisSettingsSource {
  analysisSettings(project: string): Promise<unknown>;
}

// ── OpenAI Batch API ───────────────────────────────────────────────────────

/** An OpenAI batch as the jobs read it (times in Unix seconds, as OpenAI reports them). */
export interface ProviderBatch {
  id: string;
  status: ProviderBatchStatus;
  inputFileId: string;
  outputFileId?: string;
  errorFileId?: string;
  requestCounts: { total: number; completed: number; failed: number };
  metadata: Record<string, string>;
  createdAt: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  cancelledAt?: number;
}

/** The Files and Batches operations the jobs call, for one project's key. */
export interface BatchApi {
  uploadBatchFile(jsonl: string, name: string): Promise<{ id: string }>;
  createBatch(inputFileId: string, metadata?: Record<string, string>): Promise<ProviderBatch>;
  retrieveBatch(batchId: string): Promise<ProviderBatch>;
  /** Batches, newest first. */
  listBatches(options?: {
    after?: string;
    limit?: number;
  }): Promise<{ batches: ProviderBatch[]; hasMore: boolean; lastId?: string }>;
  downloadFile(fileId: string): Promise<string>;
  deleteFile(fileId: string): Promise<void>;
  /** Files, newest first. */
  listFiles(options?: {
    purpose?: string;
    after?: string;
    limit?: number;
  }): Promise<{ files: { id: string; filename: string }[]; hasMore: boolean; lastId?: string }>;
}

/** What a failed Batch API call means to the jobs. */
export interface BatchApiFailure {
  /** The error's class name, for logs. */
  errorClass: string;
  /** A short code (`rate_limit_exceeded`, `http_500`, `timeout`); never provider text. */
  code: string;
  /** Our own sanitized message. */
  message: string;
  /** Whether trying again later can help. */
  retryable: boolean;
  /** The call was never made (an open circuit): it uses up no attempt. */
  notAttempted: boolean;
  /** The batch or file does not exist (HTTP 404). */
  notFound: boolean;
}

/** The OpenAI Batch API of each project, and how to read its failures. */
export interface OpenAiBatches {
  /** The project's client. @throws when the project has no usable key */
  clientFor(project: string): Promise<BatchApi>;
  /** The failure a client call threw, or undefined when `error` did not come from a client call. */
  failureOf(error: unknown): BatchApiFailure | undefined;
}

/** Everything the batch creator and poller need. */
export interface AnalysisJobPorts {
  requests: AnalysisRequestStore;
  batches: AnalysisBatchStore;
  interactions: AnalyzedInteractions;
  openAi: OpenAiBatches;
}
