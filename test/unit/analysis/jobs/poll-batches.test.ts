/**
 * The batch poller on in-memory stores and the in-process OpenAI emulator: the outcomes of
 * test/integration/analysis (happy path, failures) and the poller's own crash points (mid-results,
 * before cleanup), each converging on the next run with every cost counted once.
 */
import { OpenAiApiError } from '../../../../infra/local/openai-emulator/errors';
import {
  type AnalysisRequestStore,
  pollAnalysisBatches,
} from '../../../../shared/domain/batch-analysis/jobs';
import { priceUsage } from '../../../../shared/domain/pricing';
import { AnalysisWorld, PROJECT } from './support/harness';

const TEXTS = {
  billing: 'My invoice is wrong, write to [REDACTED:EMAIL]',
  code: 'How do I write a typescript function?',
  ship: 'Where is my parcel? The tracking page is empty.',
  story: 'Tell me a story about a dragon and a castle please',
  account: 'I forgot my password and cannot log in',
} as const;

describe('pollAnalysisBatches', () => {
  let world: AnalysisWorld;
  beforeEach(() => {
    world = new AnalysisWorld(7);
  });

  /** Sum of the batch-rate cost of each request's billed usage. */
  function batchRateCost(ids: readonly string[]): number {
    return ids.reduce((sum, id) => {
      const request = world.request(id)!;
      return sum + (request.cost?.totalNanos ?? 0);
    }, 0);
  }

  it('stores every result on its request and interaction, matched by custom_id, priced at batch rates once', async () => {
    const entries = Object.entries(TEXTS);
    const ids = await world.post(entries.map(([topic, text]) => ({ id: `happy-${topic}`, text })));
    await world.create();
    const first = await world.poll();
    // validating → in_progress: mirrored, nothing else.
    expect(first).toMatchObject({ polled: 1, processed: 0, requestsCompleted: 0 });
    expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({ phase: 'in_flight', status: 'in_progress' });

    await world.pollUntilIdle();
    expect(world.summary()).toEqual({
      pending_batching: 0,
      batching_in_progress: 0,
      processing_complete: 5,
      processing_failed: 0,
    });
    const expectedTopics: Record<string, string> = {
      'happy-billing': 'billing',
      'happy-code': 'programming',
      'happy-ship': 'shipping',
      'happy-story': 'general',
      'happy-account': 'account',
    };
    for (const [interactionId, topic] of Object.entries(expectedTopics)) {
      expect(world.interactions.analysis(PROJECT, interactionId)).toMatchObject({
        status: 'processing_complete',
        attempts: 0,
        model: 'gpt-4o-mini',
        result: { topic },
      });
    }
    for (const id of ids) {
      const request = world.request(id)!;
      expect(request.usage).toBeDefined();
      const atBatchRates = priceUsage({
        provider: 'openai',
        model: request.answeredModel ?? request.model,
        usage: request.usage!,
        at: '2026-03-01T00:00:00Z',
        batch: true,
      });
      expect(atBatchRates.priced).toBe(true);
      expect(request.costNanos).toBe(atBatchRates.totalNanos);
      expect(request.lastBatchId).toBe(world.store.batchesOf(PROJECT)[0]!.id);
      expect(world.store.queueOf(PROJECT, id)).toBeUndefined();
    }
    const [batch] = world.store.batchesOf(PROJECT);
    expect(batch).toMatchObject({
      phase: 'processed',
      status: 'completed',
      costNanos: batchRateCost(ids),
      filesDeleted: true,
      requestCounts: { total: 5, completed: 5, failed: 0 },
    });
    expect(world.store.batchQueueOf(PROJECT, batch!.id)).toBeUndefined();
    // Files are deleted at OpenAI once the results are stored.
    expect(world.openAi.state.fileIds()).toEqual([]);

    // More poller and creator runs change nothing.
    const before = ids.map((id) => world.request(id)!.costNanos);
    expect(await world.poll()).toMatchObject({ polled: 0 });
    expect((await world.create()).batchIds).toEqual([]);
    expect(ids.map((id) => world.request(id)!.costNanos)).toEqual(before);
  });

  it('marks error-file lines with the provider code and sanitized text, and keeps the other results', async () => {
    const [tooLong, ok] = await world.post([
      { id: 'err-too-long', text: 'a very long conversation' },
      { id: 'err-ok', text: 'thanks, the refund arrived' },
    ]);
    await world.create();
    world.openAi.setFaults({
      lineErrors: {
        customIds: [tooLong!],
        statusCode: 400,
        code: 'context_length_exceeded',
        message: "Input 'User: a very long conversation' is too long for key sk-abc123456789",
      },
    });
    await world.pollUntilIdle();
    const failed = world.request(tooLong!)!;
    expect(failed).toMatchObject({
      status: 'processing_failed',
      attempts: 0,
      error: { code: 'context_length_exceeded' },
    });
    expect(typeof failed.failedAt).toBe('string');
    expect(failed.error!.message).not.toContain('very long conversation');
    expect(failed.error!.message).not.toContain('sk-abc');
    expect(world.request(ok!)).toMatchObject({
      status: 'processing_complete',
      result: { topic: 'billing', sentiment: 'positive' },
    });
    expect(world.interactions.analysis(PROJECT, 'err-too-long')).toMatchObject({
      status: 'processing_failed',
      error: { code: 'context_length_exceeded' },
    });
  });

  it('requeues 5xx lines with an attempt counted, then completes them on the next batch', async () => {
    const [flaky] = await world.post([{ id: 'flaky-1', text: 'the api fails with an error' }]);
    await world.create();
    world.openAi.setFaults({ lineErrors: { customIds: [flaky!], statusCode: 500 } });
    await world.pollUntilIdle();
    expect(world.request(flaky!)).toMatchObject({
      status: 'pending_batching',
      attempts: 1,
      error: { code: 'server_error' },
    });
    expect(world.store.queueOf(PROJECT, flaky!)).toBe('pending');
    expect(world.summary().pending_batching).toBe(1);
    // A requeued request is not shown as finished on its interaction.
    expect(world.interactions.analysis(PROJECT, 'flaky-1')).toBeUndefined();

    world.openAi.setFaults({});
    await world.create();
    await world.pollUntilIdle();
    const done = world.request(flaky!)!;
    expect(done).toMatchObject({
      status: 'processing_complete',
      attempts: 1,
      result: { topic: 'technical support' },
    });
    expect(done.error).toBeUndefined();
  });

  it('keeps the completed part of an expired batch and requeues the rest', async () => {
    const ids = await world.post(
      Array.from({ length: 6 }, (_, index) => ({
        id: `expire-${index}`,
        text: `question number ${index} about billing`,
      })),
    );
    await world.create();
    world.openAi.setFaults({ expire: { completedFraction: 0.5 } });
    await world.pollUntilIdle();
    const { state } = world.openAi;
    expect(state.peekBatch(state.batchIds().at(-1)!).status).toBe('expired');
    const states = ids.map((id) => world.request(id)!);
    const complete = states.filter((request) => request.status === 'processing_complete');
    const requeued = states.filter((request) => request.status === 'pending_batching');
    expect(complete).toHaveLength(3);
    expect(requeued).toHaveLength(3);
    for (const request of requeued)
      expect(request).toMatchObject({ attempts: 1, error: { code: 'batch_expired' } });
    for (const request of complete) expect(request.attempts).toBe(0);

    world.openAi.setFaults({});
    await world.create();
    await world.pollUntilIdle();
    expect(ids.every((id) => world.request(id)!.status === 'processing_complete')).toBe(true);
  });

  it('requeues the requests of a failed batch and fails them after the maximum attempts', async () => {
    const ids = await world.post([
      { id: 'doomed-1', text: 'first doomed interaction' },
      { id: 'doomed-2', text: 'second doomed interaction' },
    ]);
    world.openAi.setFaults({ failBatch: true });
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const created = await world.create({ maxAttempts: 2 });
      expect(created.batchIds).toHaveLength(1);
      await world.pollUntilIdle({ maxAttempts: 2 });
      for (const id of ids) {
        expect(world.request(id)).toMatchObject({
          status: attempt < 2 ? 'pending_batching' : 'processing_failed',
          attempts: attempt,
          error: { code: 'batch_failed', message: 'the batch failed' },
        });
      }
    }
    expect(world.summary()).toMatchObject({ processing_failed: 2, pending_batching: 0 });
    expect((await world.create({ maxAttempts: 2 })).batchIds).toEqual([]);
    expect(world.openAi.state.fileIds()).toEqual([]);
  });

  it('fails a validation-failed batch like a failed one, with its batch-level status mirrored', async () => {
    const [id] = await world.post([{ id: 'invalid-1', text: 'validation will fail' }]);
    world.openAi.setFaults({ validationFailure: true });
    await world.create({ maxAttempts: 1 });
    await world.pollUntilIdle({ maxAttempts: 1 });
    expect(world.request(id!)).toMatchObject({ status: 'processing_failed', attempts: 1 });
    expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({ status: 'failed', phase: 'processed' });
  });

  it('treats a batch OpenAI no longer knows (404) as failed, so its requests are requeued', async () => {
    const [id] = await world.post([{ id: 'lost-1', text: 'lost batch' }]);
    await world.create();
    world.openAi.failNext('retrieveBatch', new OpenAiApiError(404, 'No batch found', {}));
    const result = await world.poll();
    expect(result).toMatchObject({ polled: 1, processed: 1, requestsRequeued: 1 });
    expect(world.request(id!)).toMatchObject({
      status: 'pending_batching',
      attempts: 1,
      error: { code: 'batch_failed' },
    });
    expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({ status: 'failed', phase: 'processed' });
  });

  it('counts and logs a provider error, and retries the batch on the next run', async () => {
    await world.post([{ id: 'retry-1', text: 'poll fails once' }]);
    await world.create();
    world.openAi.failNext('retrieveBatch', new OpenAiApiError(500, 'boom'));
    expect(await world.poll()).toMatchObject({ polled: 1, errors: 1 });
    expect(world.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({ code: 'http_500', errorClass: 'OpenAiBatchError' }),
      }),
    );
    await world.pollUntilIdle();
    expect(world.summary().processing_complete).toBe(1);
  });

  describe('crash recovery: the next run finishes what a crashed run started', () => {
    it('after the results were stored on the requests, before they were shown and the batch marked', async () => {
      const ids = await world.post(
        Array.from({ length: 3 }, (_, index) => ({ id: `shown-${index}`, text: `question ${index}` })),
      );
      await world.create();
      // Finish the batch at OpenAI so the next poll reads its results.
      const { state } = world.openAi;
      state.advanceBatch(state.batchIds()[0]!, 2);
      let shown = 0;
      const crashing = {
        ...world.deps,
        interactions: {
          payload: world.interactions.payload.bind(world.interactions),
          showAnalysis: async (project: string, interactionId: string, view: Record<string, unknown>) => {
            shown += 1;
            if (shown === 2) throw new Error('crash while showing results');
            await world.interactions.showAnalysis(project, interactionId, view);
          },
        },
      };
      expect(await pollAnalysisBatches(crashing, { maxAttempts: 3 })).toMatchObject({
        errors: 1,
        processed: 0,
      });
      expect(world.summary().processing_complete).toBe(3);
      expect(world.store.batchesOf(PROJECT)[0]!.phase).toBe('in_flight');

      const next = await world.poll();
      expect(next).toMatchObject({ processed: 1, requestsCompleted: 0, errors: 0 });
      for (const id of ids) {
        const request = world.request(id)!;
        expect(world.interactions.analysis(PROJECT, request.interactionId)).toMatchObject({
          requestId: id,
          status: 'processing_complete',
          costNanos: request.costNanos,
        });
      }
      // Each result's cost is counted once on the batch, though two runs read it.
      expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({
        phase: 'processed',
        costNanos: batchRateCost(ids),
      });
      expect(world.openAi.state.fileIds()).toEqual([]);
    });

    it('in the middle of storing the results (one chunk written)', async () => {
      const ids = await world.post(
        Array.from({ length: 4 }, (_, index) => ({ id: `chunked-${index}`, text: `chunk ${index}` })),
      );
      await world.create();
      const { state } = world.openAi;
      state.advanceBatch(state.batchIds()[0]!, 2);
      const requests: AnalysisRequestStore = {
        createRequest: (request) => world.store.createRequest(request),
        getRequests: (project, requestIds) => world.store.getRequests(project, requestIds),
        pendingRequests: (limit) => world.store.pendingRequests(limit),
        batchRequests: (batchId) => world.store.batchRequests(batchId),
        claimRequest: (row, batchId, now) => world.store.claimRequest(row, batchId, now),
        applyTransitions: async (project, transitions, options) => {
          await world.store.applyTransitions(project, transitions.slice(0, 1), options);
          throw new Error('crash after the first chunk');
        },
      };
      expect(
        await pollAnalysisBatches({ ...world.deps, requests }, { maxAttempts: 3, chunkSize: 1 }),
      ).toMatchObject({ errors: 1 });
      expect(world.summary()).toMatchObject({ processing_complete: 1, batching_in_progress: 3 });

      await world.pollUntilIdle({ chunkSize: 1 });
      expect(world.summary()).toMatchObject({ processing_complete: 4, batching_in_progress: 0 });
      for (const id of ids) expect(world.request(id)!.costNanos).toBeGreaterThan(0);
      expect(world.store.batchesOf(PROJECT)[0]!.costNanos).toBe(batchRateCost(ids));
      for (let index = 0; index < 4; index += 1)
        expect(world.interactions.analysis(PROJECT, `chunked-${index}`)).toMatchObject({
          status: 'processing_complete',
        });
    });

    it('after the batch was marked processed, before its files were deleted', async () => {
      await world.post([{ id: 'cleanup-1', text: 'clean me up' }]);
      await world.create();
      const { state } = world.openAi;
      state.advanceBatch(state.batchIds()[0]!, 2);
      world.openAi.failNext('deleteFile', new OpenAiApiError(500, 'boom'));
      expect(await world.poll()).toMatchObject({ processed: 1, errors: 1, requestsCompleted: 1 });
      const [batch] = world.store.batchesOf(PROJECT);
      expect(batch).toMatchObject({ phase: 'processed' });
      expect(batch!.filesDeleted).toBeUndefined();
      expect(world.store.batchQueueOf(PROJECT, batch!.id)).toBe('inflight');

      expect(await world.poll()).toMatchObject({ polled: 1, processed: 0, requestsCompleted: 0, errors: 0 });
      expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({ filesDeleted: true });
      expect(world.store.batchQueueOf(PROJECT, batch!.id)).toBeUndefined();
      expect(world.openAi.state.fileIds()).toEqual([]);
      expect(await world.poll()).toMatchObject({ polled: 0 });
    });
  });
});
