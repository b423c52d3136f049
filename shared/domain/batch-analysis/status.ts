/**
 * The status model of one analysis request and its pure transitions.
 *
 * ```
 * pending_batching ──batch_submitted──▶ batching_in_progress ──line_succeeded──▶ processing_complete
 *        ▲                                     │ line_failed (permanent) ──────▶ processing_failed
 *        └──── batch_ended / retryable line ───┘ (attempts + 1; at maxAttempts ▶ processing_failed)
 * pending_batching (claimed) ──batch_abandoned──▶ pending_batching (attempts + 1; at maxAttempts ▶ processing_failed)
 * pending_batching ──request_unbatchable──▶ processing_failed (attempts unchanged)
 * processing_complete | processing_failed ──requeue_requested──▶ pending_batching (attempts 0)
 * ```
 *
 * Transitions are idempotent: an event that does not apply (a repeated poll, a result of an
 * older batch the request has since left) returns the state unchanged with `changed: false`,
 * so a poller that crashed and re-reads a batch converges to the same records.
 */
import type { BatchLineResult } from './result';

export const ANALYSIS_STATUSES = [
  'pending_batching',
  'batching_in_progress',
  'processing_complete',
  'processing_failed',
] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/** Every status an OpenAI batch reports. */
export type ProviderBatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

export const TERMINAL_BATCH_STATUSES: readonly ProviderBatchStatus[] = [
  'completed',
  'failed',
  'expired',
  'cancelled',
];

export interface AnalysisRequestState {
  status: AnalysisStatus;
  /** Batch attempts that ended without a usable answer. */
  attempts: number;
  /** The batch the request is in, while `batching_in_progress`. */
  batchId?: string;
  /** The batch being created that claimed it, while still `pending_batching`. */
  claimBatchId?: string;
  /** Why the last attempt failed (a short code, never provider text). */
  errorCode?: string;
}

export type AnalysisEvent =
  | { type: 'batch_submitted'; batchId: string }
  | { type: 'line_succeeded'; batchId: string }
  | { type: 'line_failed'; batchId: string; code: string; retryable: boolean }
  | { type: 'batch_ended'; batchId: string; batchStatus: 'completed' | 'expired' | 'failed' | 'cancelled' }
  | { type: 'requeue_requested' }
  /** A batch that claimed the request was given up before it reached the provider. */
  | { type: 'batch_abandoned'; batchId: string; code: string }
  /** The request can never be batched (its interaction is gone, its line is too large). */
  | { type: 'request_unbatchable'; code: string };

export interface TransitionOptions {
  /** Batch attempts allowed before a request fails for good; at least 1. */
  maxAttempts: number;
}

export interface Transition {
  state: AnalysisRequestState;
  changed: boolean;
}

/**
 * Applies one event to a request's state.
 *
 * @example
 * const inFlight = { status: 'batching_in_progress', attempts: 0, batchId: 'batch_1' } as const;
 * transitionAnalysis(inFlight, { type: 'batch_ended', batchId: 'batch_1', batchStatus: 'expired' }, { maxAttempts: 3 });
 * // { state: { status: 'pending_batching', attempts: 1, errorCode: 'batch_expired' }, changed: true }
 */
export function transitionAnalysis(
  state: AnalysisRequestState,
  event: AnalysisEvent,
  options: TransitionOptions,
): Transition {
  const unchanged = { state, changed: false };
  switch (event.type) {
    case 'batch_submitted':
      if (state.status !== 'pending_batching') return unchanged;
      return changed({ status: 'batching_in_progress', attempts: state.attempts, batchId: event.batchId });
    case 'requeue_requested':
      if (state.status !== 'processing_complete' && state.status !== 'processing_failed') return unchanged;
      return changed({ status: 'pending_batching', attempts: 0 });
    case 'batch_abandoned':
      if (state.status !== 'pending_batching' || state.claimBatchId !== event.batchId) return unchanged;
      return retryOrFail(state, event.code, options);
    case 'request_unbatchable':
      if (state.status !== 'pending_batching') return unchanged;
      return changed({ status: 'processing_failed', attempts: state.attempts, errorCode: event.code });
    default:
      break;
  }
  // Results only count for the batch the request is in now.
  if (state.status !== 'batching_in_progress' || state.batchId !== event.batchId) return unchanged;
  switch (event.type) {
    case 'line_succeeded':
      return changed({ status: 'processing_complete', attempts: state.attempts });
    case 'line_failed':
      if (!event.retryable)
        return changed({ status: 'processing_failed', attempts: state.attempts, errorCode: event.code });
      return retryOrFail(state, event.code, options);
    case 'batch_ended':
      return retryOrFail(
        state,
        `batch_${event.batchStatus === 'completed' ? 'missing_result' : event.batchStatus}`,
        options,
      );
  }
}

/**
 * Turns what a poll saw for one request into an event: the batch's status and the request's
 * line from {@link parseBatchResults} (or `undefined` when neither file had it). Returns
 * `undefined` while the batch is not in a terminal status. Lines the provider did not run
 * (expired, cancelled), rate-limited and 5xx lines, and a line missing from a finished batch
 * are retryable; every other failed line is permanent.
 *
 * @example
 * pollEventFor('batch_1', 'completed', { ok: false, code: 'server_error', message: '…', statusCode: 500 });
 * // { type: 'line_failed', batchId: 'batch_1', code: 'server_error', retryable: true }
 */
export function pollEventFor(
  batchId: string,
  batchStatus: ProviderBatchStatus,
  line: BatchLineResult | undefined,
): AnalysisEvent | undefined {
  if (!TERMINAL_BATCH_STATUSES.includes(batchStatus)) return undefined;
  if (line?.ok) return { type: 'line_succeeded', batchId };
  if (line && line.code === 'batch_expired') return { type: 'batch_ended', batchId, batchStatus: 'expired' };
  if (line && line.code === 'batch_cancelled')
    return { type: 'batch_ended', batchId, batchStatus: 'cancelled' };
  if (line) {
    const retryable = line.statusCode === 429 || (line.statusCode !== undefined && line.statusCode >= 500);
    return { type: 'line_failed', batchId, code: line.code, retryable };
  }
  return {
    type: 'batch_ended',
    batchId,
    batchStatus: batchStatus as 'completed' | 'expired' | 'failed' | 'cancelled',
  };
}

function retryOrFail(state: AnalysisRequestState, code: string, options: TransitionOptions): Transition {
  const attempts = state.attempts + 1;
  if (attempts >= Math.max(1, options.maxAttempts)) {
    return changed({ status: 'processing_failed', attempts, errorCode: code });
  }
  return changed({ status: 'pending_batching', attempts, errorCode: code });
}

function changed(state: AnalysisRequestState): Transition {
  return { state, changed: true };
}
