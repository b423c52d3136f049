import fc from 'fast-check';
import {
  type AnalysisEvent,
  type AnalysisRequestState,
  pollEventFor,
  transitionAnalysis,
} from '../../../shared/domain/batch-analysis';

const options = { maxAttempts: 3 };
const pending: AnalysisRequestState = { status: 'pending_batching', attempts: 0 };
const inFlight: AnalysisRequestState = { status: 'batching_in_progress', attempts: 1, batchId: 'batch_1' };

describe('transitionAnalysis', () => {
  it.each<[string, AnalysisRequestState, AnalysisEvent, AnalysisRequestState, boolean]>([
    [
      'submits a pending request',
      pending,
      { type: 'batch_submitted', batchId: 'batch_1' },
      { status: 'batching_in_progress', attempts: 0, batchId: 'batch_1' },
      true,
    ],
    [
      'ignores a second submission',
      inFlight,
      { type: 'batch_submitted', batchId: 'batch_2' },
      inFlight,
      false,
    ],
    [
      'completes on a successful line',
      inFlight,
      { type: 'line_succeeded', batchId: 'batch_1' },
      { status: 'processing_complete', attempts: 1 },
      true,
    ],
    [
      'fails for good on a permanent line error',
      inFlight,
      { type: 'line_failed', batchId: 'batch_1', code: 'invalid_analysis', retryable: false },
      { status: 'processing_failed', attempts: 1, errorCode: 'invalid_analysis' },
      true,
    ],
    [
      'requeues on a retryable line error',
      inFlight,
      { type: 'line_failed', batchId: 'batch_1', code: 'server_error', retryable: true },
      { status: 'pending_batching', attempts: 2, errorCode: 'server_error' },
      true,
    ],
    [
      'requeues when the batch expired',
      inFlight,
      { type: 'batch_ended', batchId: 'batch_1', batchStatus: 'expired' },
      { status: 'pending_batching', attempts: 2, errorCode: 'batch_expired' },
      true,
    ],
    [
      'fails when attempts run out',
      { ...inFlight, attempts: 2 },
      { type: 'batch_ended', batchId: 'batch_1', batchStatus: 'cancelled' },
      { status: 'processing_failed', attempts: 3, errorCode: 'batch_cancelled' },
      true,
    ],
    [
      'names a missing result of a completed batch',
      inFlight,
      { type: 'batch_ended', batchId: 'batch_1', batchStatus: 'completed' },
      { status: 'pending_batching', attempts: 2, errorCode: 'batch_missing_result' },
      true,
    ],
    [
      'ignores results of another batch',
      inFlight,
      { type: 'line_succeeded', batchId: 'batch_0' },
      inFlight,
      false,
    ],
    [
      'ignores results for a pending request',
      pending,
      { type: 'line_succeeded', batchId: 'batch_1' },
      pending,
      false,
    ],
    [
      'requeues a failed request on request, resetting attempts',
      { status: 'processing_failed', attempts: 3, errorCode: 'x' },
      { type: 'requeue_requested' },
      { status: 'pending_batching', attempts: 0 },
      true,
    ],
    ['does not requeue an in-flight request', inFlight, { type: 'requeue_requested' }, inFlight, false],
  ])('%s', (_name, state, event, expected, changed) => {
    expect(transitionAnalysis(state, event, options)).toEqual({ state: expected, changed });
  });

  it('is idempotent: applying an event twice equals applying it once', () => {
    const states = fc.record({
      status: fc.constantFrom(
        'pending_batching',
        'batching_in_progress',
        'processing_complete',
        'processing_failed' as const,
      ),
      attempts: fc.integer({ min: 0, max: 5 }),
      batchId: fc.constantFrom('batch_1', 'batch_2'),
    });
    const events = fc.oneof(
      fc.record({
        type: fc.constant('line_succeeded' as const),
        batchId: fc.constantFrom('batch_1', 'batch_2'),
      }),
      fc.record({
        type: fc.constant('batch_ended' as const),
        batchId: fc.constantFrom('batch_1', 'batch_2'),
        batchStatus: fc.constantFrom('completed', 'expired', 'failed', 'cancelled' as const),
      }),
      fc.record({
        type: fc.constant('line_failed' as const),
        batchId: fc.constantFrom('batch_1', 'batch_2'),
        code: fc.constant('x'),
        retryable: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(states, events, fc.integer({ min: 1, max: 5 }), (state, event, maxAttempts) => {
        const once = transitionAnalysis(state, event, { maxAttempts }).state;
        const twice = transitionAnalysis(once, event, { maxAttempts });
        expect(twice.state).toEqual(once);
        expect(twice.changed).toBe(false);
        expect(once.attempts).toBeLessThanOrEqual(state.attempts + 1);
      }),
    );
  });
});

describe('transitionAnalysis before a batch reaches the provider', () => {
  const claimed: AnalysisRequestState = { status: 'pending_batching', attempts: 1, claimBatchId: 'ab_1' };
  it.each<[string, AnalysisRequestState, AnalysisEvent, AnalysisRequestState, boolean]>([
    [
      'puts a request of an abandoned batch back with an attempt used',
      claimed,
      { type: 'batch_abandoned', batchId: 'ab_1', code: 'http_400' },
      { status: 'pending_batching', attempts: 2, errorCode: 'http_400' },
      true,
    ],
    [
      'fails a request of an abandoned batch once its attempts are used up',
      { ...claimed, attempts: 2 },
      { type: 'batch_abandoned', batchId: 'ab_1', code: 'nothing_to_batch' },
      { status: 'processing_failed', attempts: 3, errorCode: 'nothing_to_batch' },
      true,
    ],
    [
      'ignores the abandon of a batch that did not claim the request',
      claimed,
      { type: 'batch_abandoned', batchId: 'ab_2', code: 'x' },
      claimed,
      false,
    ],
    [
      'ignores the abandon of an unclaimed request',
      pending,
      { type: 'batch_abandoned', batchId: 'ab_1', code: 'x' },
      pending,
      false,
    ],
    [
      'fails a request that can never be batched, attempts unchanged',
      claimed,
      { type: 'request_unbatchable', code: 'interaction_not_found' },
      { status: 'processing_failed', attempts: 1, errorCode: 'interaction_not_found' },
      true,
    ],
    [
      'does not fail an in-flight request as unbatchable',
      inFlight,
      { type: 'request_unbatchable', code: 'line_too_large' },
      inFlight,
      false,
    ],
  ])('%s', (_name, state, event, expected, changed) => {
    expect(transitionAnalysis(state, event, options)).toEqual({ state: expected, changed });
  });
});

describe('pollEventFor', () => {
  it.each<[string, Parameters<typeof pollEventFor>, AnalysisEvent | undefined]>([
    ['waits while in progress', ['b', 'in_progress', undefined], undefined],
    ['waits while cancelling', ['b', 'cancelling', undefined], undefined],
    [
      'succeeds on an ok line',
      ['b', 'completed', { ok: true, analysis: { topic: 't' }, usage: zeroUsage() }],
      { type: 'line_succeeded', batchId: 'b' },
    ],
    [
      'retries a 429 line',
      ['b', 'completed', { ok: false, code: 'rate_limit_exceeded', message: 'm', statusCode: 429 }],
      { type: 'line_failed', batchId: 'b', code: 'rate_limit_exceeded', retryable: true },
    ],
    [
      'fails a 400 line for good',
      ['b', 'completed', { ok: false, code: 'invalid_value', message: 'm', statusCode: 400 }],
      { type: 'line_failed', batchId: 'b', code: 'invalid_value', retryable: false },
    ],
    [
      'treats an expired line as an unfinished batch',
      ['b', 'expired', { ok: false, code: 'batch_expired', message: 'm' }],
      { type: 'batch_ended', batchId: 'b', batchStatus: 'expired' },
    ],
    [
      'treats a cancelled line as an unfinished batch',
      ['b', 'cancelled', { ok: false, code: 'batch_cancelled', message: 'm' }],
      { type: 'batch_ended', batchId: 'b', batchStatus: 'cancelled' },
    ],
    [
      'requeues a missing line of a failed batch',
      ['b', 'failed', undefined],
      { type: 'batch_ended', batchId: 'b', batchStatus: 'failed' },
    ],
    [
      'requeues a missing line of a completed batch',
      ['b', 'completed', undefined],
      { type: 'batch_ended', batchId: 'b', batchStatus: 'completed' },
    ],
  ])('%s', (_name, args, expected) => {
    expect(pollEventFor(...args)).toEqual(expected);
  });
});

function zeroUsage() {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
  };
}
