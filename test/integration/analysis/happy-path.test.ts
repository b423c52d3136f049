/**
 * Offline analysis end to end: interactions with `analyze: true` → pending requests → one OpenAI
 * batch (emulator) → results matched by custom_id (the emulator shuffles output lines) →
 * requests complete, interactions show their analysis, costs at batch rates counted once.
 */
import { getAnalysisRequest } from '../../../shared/adapters/aws/analysis-store';
import { priceUsage } from '../../../shared/domain/pricing';
import { api } from '../../support/stack';
import {
  type AnalysisHarness,
  interaction,
  pollUntilIdle,
  postInteractions,
  startAnalysisHarness,
  stopAnalysisHarness,
  summary,
  TEXTS,
} from './support';

describe('offline analysis: happy path', () => {
  let harness: AnalysisHarness;

  beforeAll(async () => {
    harness = await startAnalysisHarness(7);
  });
  afterAll(async () => {
    await stopAnalysisHarness(harness);
  });

  it('analyses every selected interaction exactly once, from redacted text, matched by custom_id', async () => {
    const { stack, emulator } = harness;
    const items = Object.entries(TEXTS).map(([topic, text]) => ({ id: `happy-${topic}`, text }));
    const requestIds = await postInteractions(stack, [
      ...items,
      { id: 'happy-not-selected', text: 'hello', analyze: false },
    ]);
    expect(await summary(stack)).toEqual({
      pending_batching: 5,
      batching_in_progress: 0,
      processing_complete: 0,
      processing_failed: 0,
    });

    const created = (await stack.runJob('batch-creator', {})) as {
      batchIds: string[];
      requestsBatched: number;
    };
    expect(created.batchIds).toHaveLength(1);
    expect(created.requestsBatched).toBe(5);
    expect(emulator.batchIds()).toHaveLength(1);
    expect((await summary(stack)).batching_in_progress).toBe(5);

    // The input file: one line per request, custom_id = request id, only redacted text.
    const openAiBatch = emulator.peekBatch(emulator.batchIds()[0]!);
    const input = emulator.fileContent(openAiBatch.input_file_id);
    expect(input).not.toContain('jane.doe@example.com');
    expect(input).toContain('[REDACTED:EMAIL]');
    const inputIds = input
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id);
    expect([...inputIds].sort()).toEqual(requestIds.slice(0, 5).sort());
    expect(openAiBatch.metadata).toMatchObject({ tokentrail_project: stack.project });

    // A second creator run finds nothing new to batch.
    const again = (await stack.runJob('batch-creator', {})) as { batchIds: string[] };
    expect(again.batchIds).toEqual([]);
    expect(emulator.batchIds()).toHaveLength(1);

    // Finish the batch at the emulator first to look at its output file: lines come back shuffled.
    emulator.advanceBatch(openAiBatch.id, 3);
    const output = emulator.fileContent(emulator.peekBatch(openAiBatch.id).output_file_id!);
    const outputIds = output
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id);
    expect([...outputIds].sort()).toEqual([...inputIds].sort());
    expect(outputIds).not.toEqual(inputIds);

    await pollUntilIdle(stack);
    const finished = emulator.peekBatch(emulator.batchIds()[0]!);
    expect(finished.status).toBe('completed');
    expect(await summary(stack)).toEqual({
      pending_batching: 0,
      batching_in_progress: 0,
      processing_complete: 5,
      processing_failed: 0,
    });

    // Each interaction shows the analysis of its own text, whatever the output order was.
    const expectedTopics: Record<string, string> = {
      'happy-billing': 'billing',
      'happy-code': 'programming',
      'happy-ship': 'shipping',
      'happy-story': 'general',
      'happy-account': 'account',
    };
    for (const [id, topic] of Object.entries(expectedTopics)) {
      const body = await interaction(stack, id);
      expect(body.analysis).toMatchObject({
        status: 'processing_complete',
        attempts: 0,
        model: 'gpt-4o-mini',
        result: { topic },
      });
    }
    const notSelected = await interaction(stack, 'happy-not-selected');
    expect(notSelected.analysis).toBeUndefined();

    // Files are deleted at OpenAI once the results are stored.
    expect(emulator.fileIds()).toEqual([]);

    const batches = await api<{ batches: Record<string, unknown>[] }>(stack, 'GET', '/admin/batches');
    expect(batches.status).toBe(200);
    expect(batches.body.batches).toHaveLength(1);
    expect(batches.body.batches[0]).toMatchObject({
      id: created.batchIds[0],
      openaiBatchId: finished.id,
      model: 'gpt-4o-mini',
      status: 'completed',
      requestCounts: { total: 5, completed: 5, failed: 0 },
    });
    expect(typeof batches.body.batches[0]!.processedAt).toBe('string');
  });

  it('prices each analysis at batch rates once, separate from the interaction cost, even when polled again', async () => {
    const { stack } = harness;
    const before = await getAnalysisRequest(
      stack.project,
      (await interaction(stack, 'happy-billing')).analysis
        ? ((await interaction(stack, 'happy-billing')).analysis as { requestId: string }).requestId
        : '',
    );
    expect(before?.usage).toBeDefined();
    const batchCost = priceUsage({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: before!.usage,
      at: '2026-01-01T00:00:00Z',
      batch: true,
    });
    const fullCost = priceUsage({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: before!.usage,
      at: '2026-01-01T00:00:00Z',
    });
    expect(batchCost.priced).toBe(true);
    expect(before!.costNanos).toBe(batchCost.totalNanos);
    expect(batchCost.totalNanos).toBeLessThan(fullCost.totalNanos);

    // More poller and creator runs change nothing.
    await stack.runJob('batch-poller', {});
    await stack.runJob('batch-creator', {});
    const after = await getAnalysisRequest(stack.project, before!.id);
    expect(after!.costNanos).toBe(before!.costNanos);

    const body = await interaction(stack, 'happy-billing');
    expect(body.analysis).toMatchObject({ cost: { totalNanoUsd: before!.costNanos, batch: true } });
    // The interaction's own cost is untouched by its analysis.
    expect(body.cost).toMatchObject({ totalNanoUsd: 3_550_000 });

    const batches = await api<{ batches: { costNanoUsd: number }[] }>(stack, 'GET', '/admin/batches');
    let sum = 0;
    for (const id of ['happy-billing', 'happy-code', 'happy-ship', 'happy-story', 'happy-account']) {
      sum += ((await interaction(stack, id)).analysis as { cost: { totalNanoUsd: number } }).cost
        .totalNanoUsd;
    }
    expect(batches.body.batches[0]!.costNanoUsd).toBe(sum);
  });
});
