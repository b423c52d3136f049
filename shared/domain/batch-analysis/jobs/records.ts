/**
 * What the analysis jobs keep about requests and batches, whatever stores them: the shapes the
 * store ports read and write, and the view an interaction shows of its analysis.
 */
import { randomInt } from 'node:crypto';
import type { NormalizedUsage } from '../../normalize';
import type { CostBreakdown } from '../../pricing';
import type { AnalysisKind, AnalysisResult, AnalysisStatus, ProviderBatchStatus } from '..';

/** Why a request or a batch failed: a short code and our own message, never provider text. */
export interface AnalysisFailure {
  code: string;
  message: string;
}

/** A new request, before the store adds its status, attempts and queue entry. */
export interface NewAnalysisRequest {
  id: string;
  project: string;
  interactionId: string;
  /** The model the analysis runs on. */
  model: string;
  analyses: AnalysisKind[];
  maxInputChars: number;
  createdAt: string;
}

/** An analysis request as stored. */
export interface AnalysisRequestItem extends NewAnalysisRequest {
  entity: 'analysis-request';
  status: AnalysisStatus;
  attempts: number;
  updatedAt: string;
  /** The batch that claimed it while still `pending_batching` (creation in progress). */
  claimBatchId?: string;
  /** The batch it is in while `batching_in_progress`. */
  batchId?: string;
  /** The batch whose result it holds. */
  lastBatchId?: string;
  result?: AnalysisResult;
  usage?: NormalizedUsage;
  /** The model that answered (often a dated snapshot). */
  answeredModel?: string;
  /** Cost of the last billed attempt, at batch rates. */
  cost?: CostBreakdown;
  /** Cost of every billed attempt, nano-USD: each attempt is added once, with its transition. */
  costNanos?: number;
  error?: AnalysisFailure;
  failedAt?: string;
  completedAt?: string;
}

/** A request as a work queue lists it: what the jobs need without reading the item. */
export interface WorkRow extends NewAnalysisRequest {
  status: AnalysisStatus;
}

/** How far the creation of a batch got; each step is recorded before the next starts. */
export type BatchPhase =
  | 'planned'
  | 'claimed'
  | 'uploaded'
  | 'submitted'
  | 'in_flight'
  | 'processed'
  | 'abandoned';

/** One OpenAI batch as stored. */
export interface AnalysisBatchItem {
  entity: 'analysis-batch';
  id: string;
  project: string;
  model: string;
  phase: BatchPhase;
  /** The provider's status once submitted; `creating` before. */
  status: ProviderBatchStatus | 'creating' | 'abandoned';
  plannedCount: number;
  requestCount?: number;
  inputFileId?: string;
  openaiBatchId?: string;
  outputFileId?: string;
  errorFileId?: string;
  requestCounts?: { total: number; completed: number; failed: number };
  createdAt: string;
  submittedAt?: string;
  /** When the provider ended it (completed, failed, expired or cancelled). */
  completedAt?: string;
  processedAt?: string;
  costNanos?: number;
  leaseUntil?: number;
  leaseOwner?: string;
  lastError?: AnalysisFailure;
  resumeFailures?: number;
  filesDeleted?: boolean;
}

/**
 * A new batch id: its creation time first, so a project's batches list in time order.
 *
 * @example
 * newBatchId(new Date('2026-01-01T00:00:00Z')); // 'ab_20260101T000000000Z_…'
 */
export function newBatchId(now: Date): string {
  // Milliseconds included: batches of one project sort by creation even when made in the same second.
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `ab_${stamp}_${randomInt(0x1000000).toString(16).padStart(6, '0')}${randomInt(0x1000000).toString(16).padStart(6, '0')}`;
}

/**
 * What an interaction shows of its analysis request (`GET /v1/interactions/{id}` → `analysis`).
 *
 * @example
 * analysisView(request, 'pending_batching', 0, { model: request.model });
 */
export function analysisView(
  request: Pick<AnalysisRequestItem, 'id' | 'analyses'>,
  status: AnalysisStatus,
  attempts: number,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return { requestId: request.id, status, attempts, analyses: request.analyses, ...extra };
}
