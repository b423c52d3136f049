/**
 * Requeue of failed analysis requests (`POST /admin/analysis/requests/requeue`).
 *
 * Steps:
 * 1. Read the named requests (each id once); unknown ids are counted as not found.
 * 2. For each `processing_failed` one, {@link transitionAnalysis} with `requeue_requested`
 *    decides the new state (`pending_batching`, attempts 0); requests in any other status are
 *    left alone and counted as skipped.
 * 3. Apply the transitions (conditional on the request still being failed), back into the
 *    pending queue, with the error cleared.
 * 4. Show each requeued request on its interaction as waiting again, not as the failure that
 *    was just cleared.
 */
import { transitionAnalysis } from '../status';
import type { AnalysisRequestStore, AnalyzedInteractions, Clock, RequestTransition } from './ports';
import { analysisView } from './records';

/** What the requeue needs: the request store, the interactions to show it on, a clock. */
export interface RequeueDeps {
  requests: Pick<AnalysisRequestStore, 'getRequests' | 'applyTransitions'>;
  interactions: Pick<AnalyzedInteractions, 'showAnalysis'>;
  now?: Clock;
}

export interface RequeueOutcome {
  requeuedCount: number;
  notFoundCount: number;
  skippedCount: number;
}

/**
 * Requeues failed requests (attempts reset to 0); requests in any other status are left alone.
 *
 * @example
 * await requeueFailedRequests(deps, 'default', ['ar_…']); // { requeuedCount: 1, notFoundCount: 0, skippedCount: 0 }
 */
export async function requeueFailedRequests(
  deps: RequeueDeps,
  project: string,
  requestIds: readonly string[],
): Promise<RequeueOutcome> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const ids = [...new Set(requestIds)];
  const found = await deps.requests.getRequests(project, ids);
  const planned = found
    .filter((request) => request.status === 'processing_failed')
    .flatMap((request) => {
      // The state machine also allows requeueing a complete request; this endpoint only requeues failures.
      const { state, changed } = transitionAnalysis(
        { status: request.status, attempts: request.attempts },
        { type: 'requeue_requested' },
        { maxAttempts: 1 },
      );
      if (!changed) return [];
      const transition: RequestTransition = {
        id: request.id,
        from: { status: request.status },
        to: state.status,
        set: { attempts: state.attempts },
        remove: ['error', 'failedAt', 'claimBatchId', 'batchId'],
        queue: { queue: 'pending', createdAt: request.createdAt },
      };
      return [{ request, state, transition }];
    });
  const applied = await deps.requests.applyTransitions(
    project,
    planned.map((entry) => entry.transition),
    { now },
  );
  for (const { request, state, transition } of planned) {
    if (!applied.has(transition.id)) continue;
    await deps.interactions.showAnalysis(
      project,
      request.interactionId,
      analysisView(request, state.status, state.attempts, {
        model: request.model,
        ...(request.costNanos ? { costNanos: request.costNanos } : {}),
      }),
    );
  }
  return {
    requeuedCount: applied.size,
    notFoundCount: ids.length - found.length,
    skippedCount: found.length - applied.size,
  };
}
