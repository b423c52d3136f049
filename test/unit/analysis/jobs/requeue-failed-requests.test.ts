/**
 * Requeue of failed requests (the admin API's `POST /admin/analysis/requests/requeue`), as
 * test/integration/analysis/admin-api.test.ts drives it: only failed requests go back, once.
 */
import { OpenAiApiError } from '../../../../infra/local/openai-emulator/errors';
import { analysisRequestId } from '../../../../shared/domain/batch-analysis';
import { requeueFailedRequests } from '../../../../shared/domain/batch-analysis/jobs';
import { AnalysisWorld, PROJECT } from './support/harness';

describe('requeueFailedRequests', () => {
  it('requeues only failed requests, counts unknown ids, and shows the request waiting again', async () => {
    const world = new AnalysisWorld(5);
    const ids = await world.post([
      { id: 'rq-fail-1', text: 'will fail one' },
      { id: 'rq-fail-2', text: 'will fail two' },
      { id: 'rq-ok', text: 'will complete' },
    ]);
    await world.create();
    world.openAi.setFaults({
      lineErrors: { customIds: [ids[0]!, ids[1]!], statusCode: 400, code: 'invalid_prompt' },
    });
    await world.pollUntilIdle();
    world.openAi.setFaults({});
    const before = world.summary();
    const deps = {
      requests: world.store,
      interactions: world.interactions,
      now: () => new Date(world.nowMs),
    };

    const outcome = await requeueFailedRequests(deps, PROJECT, [
      ids[0]!,
      ids[2]!,
      analysisRequestId(PROJECT, 'does-not-exist'),
      ids[0]!,
    ]);
    expect(outcome).toEqual({ requeuedCount: 1, notFoundCount: 1, skippedCount: 1 });
    // Requeuing again changes nothing: the request is no longer failed.
    expect(await requeueFailedRequests(deps, PROJECT, [ids[0]!])).toEqual({
      requeuedCount: 0,
      notFoundCount: 0,
      skippedCount: 1,
    });

    const requeued = world.request(ids[0]!)!;
    expect(requeued).toMatchObject({ status: 'pending_batching', attempts: 0 });
    expect(requeued.error).toBeUndefined();
    expect(requeued.failedAt).toBeUndefined();
    expect(world.store.queueOf(PROJECT, ids[0]!)).toBe('pending');
    const shown = world.interactions.analysis(PROJECT, 'rq-fail-1')!;
    expect(shown).toMatchObject({
      requestId: ids[0],
      status: 'pending_batching',
      attempts: 0,
      model: 'gpt-4o-mini',
    });
    expect(shown.error).toBeUndefined();
    const after = world.summary();
    expect(after.processing_failed).toBe(before.processing_failed - 1);
    expect(after.pending_batching).toBe(before.pending_batching + 1);
    expect(after.processing_complete).toBe(before.processing_complete);

    await world.create();
    await world.pollUntilIdle();
    expect(world.interactions.analysis(PROJECT, 'rq-fail-1')).toMatchObject({
      status: 'processing_complete',
    });
    expect(world.request(ids[1]!)!.status).toBe('processing_failed');
  });

  it('requeues a request that failed after its attempts were used up, with a fresh budget', async () => {
    const world = new AnalysisWorld(5);
    const [id] = await world.post([{ id: 'spent', text: 'used up' }]);
    world.openAi.failNext('createBatch', new OpenAiApiError(400, 'bad', { code: 'invalid_value' }));
    await world.create({ maxAttempts: 1 });
    expect(world.request(id!)).toMatchObject({ status: 'processing_failed', attempts: 1 });
    const outcome = await requeueFailedRequests(
      { requests: world.store, interactions: world.interactions },
      PROJECT,
      [id!],
    );
    expect(outcome.requeuedCount).toBe(1);
    expect(world.request(id!)).toMatchObject({ status: 'pending_batching', attempts: 0 });
    expect((await world.create({ maxAttempts: 1 })).batchIds).toHaveLength(1);
  });
});
