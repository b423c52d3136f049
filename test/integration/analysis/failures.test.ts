/**
 * Offline analysis when things go wrong at OpenAI: error-file lines (permanent and retryable),
 * an expired batch with partial results, and a failed batch requeued until the attempt limit.
 */
import { getAnalysisRequest } from '../../../shared/adapters/aws/analysis-store';
import {
  type AnalysisHarness,
  interaction,
  pollUntilIdle,
  postInteractions,
  startAnalysisHarness,
  stopAnalysisHarness,
  summary,
} from './support';

describe('offline analysis: failures', () => {
  let harness: AnalysisHarness;

  beforeAll(async () => {
    harness = await startAnalysisHarness(11);
  });
  afterAll(async () => {
    await stopAnalysisHarness(harness);
  });
  afterEach(async () => {
    harness.emulator.setFaults({});
    // Leave nothing pending or in flight for the next test.
    const { stack } = harness;
    const left = await summary(stack);
    if (left.pending_batching + left.batching_in_progress > 0) {
      await stack.runJob('batch-creator', {});
      await pollUntilIdle(stack);
    }
  });

  it('marks error-file lines with the provider code and keeps the other results', async () => {
    const { stack, emulator } = harness;
    const [tooLong, ok] = await postInteractions(stack, [
      { id: 'err-too-long', text: 'a very long conversation' },
      { id: 'err-ok', text: 'thanks, the refund arrived' },
    ]);
    await stack.runJob('batch-creator', {});
    emulator.setFaults({
      lineErrors: {
        customIds: [tooLong!],
        statusCode: 400,
        code: 'context_length_exceeded',
        message: "Input 'User: a very long conversation' is too long for key sk-abc123456789",
      },
    });
    await pollUntilIdle(stack);

    const failed = await getAnalysisRequest(stack.project, tooLong!);
    expect(failed).toMatchObject({
      status: 'processing_failed',
      attempts: 0,
      error: { code: 'context_length_exceeded' },
    });
    expect(typeof failed!.failedAt).toBe('string');
    // Provider text is sanitized before it is stored: no echoed input, no key.
    expect(failed!.error!.message).not.toContain('very long conversation');
    expect(failed!.error!.message).not.toContain('sk-abc');
    expect(await getAnalysisRequest(stack.project, ok!)).toMatchObject({
      status: 'processing_complete',
      result: { topic: 'billing', sentiment: 'positive' },
    });
    const shown = await interaction(stack, 'err-too-long');
    expect(shown.analysis).toMatchObject({
      status: 'processing_failed',
      error: { code: 'context_length_exceeded' },
    });
  });

  it('requeues 5xx lines with an attempt counted, then completes them on the next batch', async () => {
    const { stack, emulator } = harness;
    const [flaky] = await postInteractions(stack, [{ id: 'flaky-1', text: 'the api fails with an error' }]);
    await stack.runJob('batch-creator', {});
    emulator.setFaults({ lineErrors: { customIds: [flaky!], statusCode: 500 } });
    await pollUntilIdle(stack);
    expect(await getAnalysisRequest(stack.project, flaky!)).toMatchObject({
      status: 'pending_batching',
      attempts: 1,
      error: { code: 'server_error' },
    });
    expect((await summary(stack)).pending_batching).toBe(1);

    emulator.setFaults({});
    await stack.runJob('batch-creator', {});
    await pollUntilIdle(stack);
    const done = await getAnalysisRequest(stack.project, flaky!);
    expect(done).toMatchObject({
      status: 'processing_complete',
      attempts: 1,
      result: { topic: 'technical support' },
    });
    expect(done!.error).toBeUndefined();
  });

  it('keeps the completed part of an expired batch and requeues the rest', async () => {
    const { stack, emulator } = harness;
    const ids = await postInteractions(
      stack,
      Array.from({ length: 6 }, (_, index) => ({
        id: `expire-${index}`,
        text: `question number ${index} about billing`,
      })),
    );
    await stack.runJob('batch-creator', {});
    emulator.setFaults({ expire: { completedFraction: 0.5 } });
    await pollUntilIdle(stack);
    const openAiBatch = emulator.peekBatch(emulator.batchIds().at(-1)!);
    expect(openAiBatch.status).toBe('expired');

    const states = await Promise.all(ids.map((id) => getAnalysisRequest(stack.project, id)));
    const complete = states.filter((state) => state!.status === 'processing_complete');
    const requeued = states.filter((state) => state!.status === 'pending_batching');
    expect(complete).toHaveLength(3);
    expect(requeued).toHaveLength(3);
    for (const state of requeued)
      expect(state).toMatchObject({ attempts: 1, error: { code: 'batch_expired' } });
    for (const state of complete) expect(state!.attempts).toBe(0);

    emulator.setFaults({});
    await stack.runJob('batch-creator', {});
    await pollUntilIdle(stack);
    const after = await Promise.all(ids.map((id) => getAnalysisRequest(stack.project, id)));
    expect(after.every((state) => state!.status === 'processing_complete')).toBe(true);
  });

  it('requeues the requests of a failed batch and fails them after the maximum attempts', async () => {
    const { stack, emulator } = harness;
    const ids = await postInteractions(stack, [
      { id: 'doomed-1', text: 'first doomed interaction' },
      { id: 'doomed-2', text: 'second doomed interaction' },
    ]);
    const before = await summary(stack);
    emulator.setFaults({ failBatch: true });
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const created = (await stack.runJob('batch-creator', { maxAttempts: 2 })) as { batchIds: string[] };
      expect(created.batchIds).toHaveLength(1);
      await pollUntilIdle(stack, { maxAttempts: 2 });
      const states = await Promise.all(ids.map((id) => getAnalysisRequest(stack.project, id)));
      for (const state of states) {
        expect(state).toMatchObject({
          status: attempt < 2 ? 'pending_batching' : 'processing_failed',
          attempts: attempt,
          error: { code: 'batch_failed' },
        });
      }
    }
    const after = await summary(stack);
    expect(after.processing_failed - before.processing_failed).toBe(2);
    expect(after.pending_batching).toBe(0);
    // Nothing is left to batch, and the failed batches' files are gone at OpenAI.
    const again = (await stack.runJob('batch-creator', { maxAttempts: 2 })) as { batchIds: string[] };
    expect(again.batchIds).toEqual([]);
    expect(emulator.fileIds()).toEqual([]);
  });

  it('fails a validation-failed batch like a failed one, with its batch-level status mirrored', async () => {
    const { stack, emulator } = harness;
    const [id] = await postInteractions(stack, [{ id: 'invalid-1', text: 'validation will fail' }]);
    emulator.setFaults({ validationFailure: true });
    await stack.runJob('batch-creator', { maxAttempts: 1 });
    await pollUntilIdle(stack, { maxAttempts: 1 });
    expect(await getAnalysisRequest(stack.project, id!)).toMatchObject({
      status: 'processing_failed',
      attempts: 1,
    });
  });
});
