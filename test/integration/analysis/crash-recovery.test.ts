/**
 * Crashes of the batch creator at each recorded step: the next run finds what the crashed run
 * started and finishes or reuses it. Nothing is orphaned, no request is batched twice, and no
 * second OpenAI batch or input file is made.
 */
import { type CrashPoint, createBatches } from '../../../shared/adapters/aws/analysis-batches';
import { SimulatedCrashError } from '../../../shared/adapters/aws/analysis-errors';
import { getAnalysisRequest } from '../../../shared/adapters/aws/analysis-store';
import {
  type AnalysisHarness,
  pollUntilIdle,
  postInteractions,
  startAnalysisHarness,
  stopAnalysisHarness,
  summary,
} from './support';

const SETTINGS = { minBatchSize: 1, maxWaitMs: 0, maxAttempts: 3 };

describe('offline analysis: batch creator crash recovery', () => {
  let harness: AnalysisHarness;

  beforeAll(async () => {
    harness = await startAnalysisHarness(13);
  });
  afterAll(async () => {
    await stopAnalysisHarness(harness);
  });
  beforeEach(() => {
    harness.emulator.reset();
  });

  /** Every custom_id across every OpenAI batch input file made so far. */
  function batchedCustomIds(): string[] {
    const { emulator } = harness;
    return emulator.batchIds().flatMap((id) =>
      emulator
        .fileContent(emulator.peekBatch(id).input_file_id)
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id),
    );
  }

  async function crashThenRecover(step: CrashPoint, prefix: string, count: number, chunkSize?: number) {
    const { stack, emulator } = harness;
    const ids = await postInteractions(
      stack,
      Array.from({ length: count }, (_, index) => ({
        id: `${prefix}-${index}`,
        text: `crash test ${index}`,
      })),
    );
    // The crashed run's lease ends at once, as if its Lambda had timed out long ago.
    await expect(
      createBatches({ ...SETTINGS, leaseMs: 0, crashAfter: step, ...(chunkSize ? { chunkSize } : {}) }),
    ).rejects.toThrow(SimulatedCrashError);
    const atCrash = { batches: emulator.batchIds().length, files: emulator.fileIds().length };

    const resumed = (await stack.runJob('batch-creator', {})) as {
      resumedBatches: number;
      requestsBatched: number;
    };
    expect(resumed.resumedBatches).toBe(1);
    const inFlight = (await summary(stack)).batching_in_progress;
    expect(inFlight).toBe(count);

    // Exactly one OpenAI batch holds every request once.
    expect(emulator.batchIds()).toHaveLength(1);
    const customIds = batchedCustomIds();
    expect([...customIds].sort()).toEqual([...ids].sort());

    await pollUntilIdle(stack);
    for (const id of ids) {
      expect(await getAnalysisRequest(stack.project, id)).toMatchObject({
        status: 'processing_complete',
        attempts: 0,
      });
    }
    expect(emulator.fileIds()).toEqual([]);
    expect(await summary(stack)).toMatchObject({ pending_batching: 0, batching_in_progress: 0 });
    return atCrash;
  }

  it('recovers a crash between "batch created" and "requests moved": the batch is found by its metadata', async () => {
    const atCrash = await crashThenRecover('batch_created', 'created', 4);
    expect(atCrash.batches).toBe(1);
  });

  it('recovers a crash after the batch was recorded', async () => {
    await crashThenRecover('batch_recorded', 'recorded', 3);
  });

  it('recovers a crash in the middle of moving requests (one chunk moved)', async () => {
    await crashThenRecover('first_chunk_moved', 'chunk', 5, 2);
  });

  it('recovers a crash after the upload: the input file is found by name, not uploaded again', async () => {
    const atCrash = await crashThenRecover('file_uploaded', 'uploaded', 3);
    expect(atCrash).toEqual({ batches: 0, files: 1 });
  });

  it('recovers a crash after the claims: the claimed requests go out in the resumed batch', async () => {
    const atCrash = await crashThenRecover('requests_claimed', 'claimed', 3);
    expect(atCrash).toEqual({ batches: 0, files: 0 });
  });

  it('abandons an intent that claimed nothing, and batches its requests in a new batch', async () => {
    const { stack, emulator } = harness;
    const ids = await postInteractions(stack, [
      { id: 'intent-0', text: 'intent only' },
      { id: 'intent-1', text: 'intent only again' },
    ]);
    await expect(createBatches({ ...SETTINGS, leaseMs: 0, crashAfter: 'intent_written' })).rejects.toThrow(
      SimulatedCrashError,
    );
    const next = (await stack.runJob('batch-creator', {})) as { resumedBatches: number; batchIds: string[] };
    expect(next.resumedBatches).toBe(1);
    expect(next.batchIds).toHaveLength(1);
    expect(emulator.batchIds()).toHaveLength(1);
    expect([...batchedCustomIds()].sort()).toEqual([...ids].sort());
    await pollUntilIdle(stack);
    expect((await summary(stack)).batching_in_progress).toBe(0);
  });

  it('leaves a batch alone while another run holds its lease', async () => {
    const { stack, emulator } = harness;
    await postInteractions(stack, [{ id: 'leased-0', text: 'leased' }]);
    await expect(createBatches({ ...SETTINGS, crashAfter: 'batch_created' })).rejects.toThrow(
      SimulatedCrashError,
    );
    const next = (await stack.runJob('batch-creator', {})) as { resumedBatches: number; batchIds: string[] };
    expect(next.resumedBatches).toBe(0);
    expect(next.batchIds).toEqual([]);
    expect(emulator.batchIds()).toHaveLength(1);
    // Once the lease has run out (a later scheduled run), the batch is finished.
    const later = await createBatches({ ...SETTINGS, now: () => new Date(Date.now() + 16 * 60_000) });
    expect(later.resumedBatches).toBe(1);
    expect(emulator.batchIds()).toHaveLength(1);
    await pollUntilIdle(stack);
    expect(await summary(stack)).toMatchObject({ pending_batching: 0, batching_in_progress: 0 });
  });
});
