/**
 * The batch creator on in-memory stores and the in-process OpenAI emulator: every crash point of
 * test/integration/analysis/crash-recovery.test.ts, the lease, and what the creator gives up on
 * (interactions gone, lines too large, steps failing until the attempt limit).
 */
import { OpenAiApiError } from '../../../../infra/local/openai-emulator/errors';
import { type CrashPoint, SimulatedCrashError } from '../../../../shared/domain/batch-analysis/jobs';
import { CircuitOpenTestError } from './support/emulated-batch-api';
import { AnalysisWorld, PROJECT } from './support/harness';

describe('createAnalysisBatches', () => {
  let world: AnalysisWorld;
  beforeEach(() => {
    world = new AnalysisWorld(13);
  });

  it('batches every pending request once, in one OpenAI batch, and moves them in flight', async () => {
    const ids = await world.post([
      { id: 'a', text: 'first' },
      { id: 'b', text: 'second' },
    ]);
    const result = await world.create();
    expect(result).toMatchObject({ createdBatches: 1, requestsBatched: 2, errors: 0, resumedBatches: 0 });
    expect(result.batchIds).toHaveLength(1);
    expect([...world.batchedCustomIds()].sort()).toEqual([...ids].sort());
    expect(world.summary()).toMatchObject({ pending_batching: 0, batching_in_progress: 2 });
    const [batch] = world.store.batchesOf(PROJECT);
    expect(batch).toMatchObject({ phase: 'in_flight', requestCount: 2, status: 'validating' });
    expect(batch!.leaseOwner).toBeUndefined();
    expect(world.store.batchQueueOf(PROJECT, batch!.id)).toBe('inflight');
    for (const id of ids) {
      expect(world.request(id)).toMatchObject({ status: 'batching_in_progress', batchId: batch!.id });
      expect(world.request(id)!.claimBatchId).toBeUndefined();
      expect(world.store.queueOf(PROJECT, id)).toBe(`batch:${batch!.id}`);
    }
    // The OpenAI batch names its batch item and project.
    const openAiBatch = world.openAi.state.peekBatch(world.openAi.state.batchIds()[0]!);
    expect(openAiBatch.metadata).toEqual({ tokentrail_batch: batch!.id, tokentrail_project: PROJECT });

    // A second run finds nothing new to batch.
    const again = await world.create();
    expect(again.batchIds).toEqual([]);
    expect(world.openAi.state.batchIds()).toHaveLength(1);
  });

  it('waits for a group that is neither big enough nor old enough', async () => {
    await world.post([{ id: 'young', text: 'wait for me' }]);
    expect((await world.create({ minBatchSize: 2, maxWaitMs: 60_000 })).batchIds).toEqual([]);
    expect(world.openAi.calls).toEqual([]);
    world.advance(60_000);
    expect((await world.create({ minBatchSize: 2, maxWaitMs: 60_000 })).batchIds).toHaveLength(1);
  });

  it('cuts a group into files within the request limit, one batch each', async () => {
    await world.post(
      Array.from({ length: 5 }, (_, index) => ({ id: `file-${index}`, text: `line ${index}` })),
    );
    const result = await world.create({ maxRequestsPerFile: 2 });
    expect(result.batchIds).toHaveLength(3);
    const sizes = world.store.batchesOf(PROJECT).map((batch) => batch.requestCount);
    expect(sizes.sort()).toEqual([1, 2, 2]);
  });

  describe('crash recovery: the next run finishes what a crashed run started', () => {
    /** As the integration test: crash at `step`, then a normal run, then poll until idle. */
    async function crashThenRecover(step: CrashPoint, prefix: string, count: number, chunkSize?: number) {
      const ids = await world.post(
        Array.from({ length: count }, (_, index) => ({
          id: `${prefix}-${index}`,
          text: `crash test ${index}`,
        })),
      );
      // The crashed run's lease ends at once, as if its Lambda had timed out long ago.
      await expect(
        world.create({ leaseMs: 0, crashAfter: step, ...(chunkSize ? { chunkSize } : {}) }),
      ).rejects.toThrow(SimulatedCrashError);
      const atCrash = {
        batches: world.openAi.state.batchIds().length,
        files: world.openAi.state.fileIds().length,
      };

      const resumed = await world.create();
      expect(resumed.resumedBatches).toBe(1);
      expect(world.summary().batching_in_progress).toBe(count);
      // Exactly one OpenAI batch holds every request once.
      expect(world.openAi.state.batchIds()).toHaveLength(1);
      expect([...world.batchedCustomIds()].sort()).toEqual([...ids].sort());

      await world.pollUntilIdle();
      for (const id of ids) {
        expect(world.request(id)).toMatchObject({ status: 'processing_complete', attempts: 0 });
      }
      expect(world.openAi.state.fileIds()).toEqual([]);
      expect(world.summary()).toMatchObject({ pending_batching: 0, batching_in_progress: 0 });
      return atCrash;
    }

    it('after "batch created", before it is recorded: the batch is found by its metadata', async () => {
      const atCrash = await crashThenRecover('batch_created', 'created', 4);
      expect(atCrash.batches).toBe(1);
      expect(world.openAi.count('createBatch')).toBe(1);
      expect(world.openAi.count('listBatches')).toBeGreaterThan(0);
    });

    it('after the batch was recorded, before the requests moved', async () => {
      await crashThenRecover('batch_recorded', 'recorded', 3);
      expect(world.openAi.count('createBatch')).toBe(1);
    });

    it('in the middle of moving requests (one chunk moved)', async () => {
      await crashThenRecover('first_chunk_moved', 'chunk', 5, 2);
    });

    it('after the upload, before it is recorded: the file is found by name, not uploaded again', async () => {
      const atCrash = await crashThenRecover('file_uploaded', 'uploaded', 3);
      expect(atCrash).toEqual({ batches: 0, files: 1 });
      expect(world.openAi.count('uploadBatchFile')).toBe(1);
    });

    it('after the claims: the claimed requests go out in the resumed batch', async () => {
      const atCrash = await crashThenRecover('requests_claimed', 'claimed', 3);
      expect(atCrash).toEqual({ batches: 0, files: 0 });
    });

    it('after the intent, before any claim: the empty batch is abandoned and its requests batched anew', async () => {
      const ids = await world.post([
        { id: 'intent-0', text: 'intent only' },
        { id: 'intent-1', text: 'intent only again' },
      ]);
      await expect(world.create({ leaseMs: 0, crashAfter: 'intent_written' })).rejects.toThrow(
        SimulatedCrashError,
      );
      const next = await world.create();
      expect(next.resumedBatches).toBe(1);
      expect(next.batchIds).toHaveLength(1);
      expect(world.openAi.state.batchIds()).toHaveLength(1);
      expect([...world.batchedCustomIds()].sort()).toEqual([...ids].sort());
      const abandoned = world.store.batchesOf(PROJECT).find((batch) => !next.batchIds.includes(batch.id));
      expect(abandoned).toMatchObject({ phase: 'abandoned', status: 'abandoned' });
      expect(world.store.batchQueueOf(PROJECT, abandoned!.id)).toBeUndefined();
      // Nothing was claimed, so no attempt was used.
      for (const id of ids) expect(world.request(id)!.attempts).toBe(0);
      await world.pollUntilIdle();
      expect(world.summary().batching_in_progress).toBe(0);
    });

    it('leaves a batch alone while another run holds its lease, and finishes it once the lease ran out', async () => {
      await world.post([{ id: 'leased-0', text: 'leased' }]);
      await expect(world.create({ crashAfter: 'batch_created' })).rejects.toThrow(SimulatedCrashError);
      const next = await world.create();
      expect(next.resumedBatches).toBe(0);
      expect(next.batchIds).toEqual([]);
      expect(world.openAi.state.batchIds()).toHaveLength(1);
      // A later scheduled run, after the 15-minute lease.
      world.advance(16 * 60_000);
      const later = await world.create();
      expect(later.resumedBatches).toBe(1);
      expect(world.openAi.state.batchIds()).toHaveLength(1);
      await world.pollUntilIdle();
      expect(world.summary()).toMatchObject({ pending_batching: 0, batching_in_progress: 0 });
    });

    it('converges whichever step it crashes after, and however often', async () => {
      const ids = await world.post(
        Array.from({ length: 4 }, (_, index) => ({ id: `again-${index}`, text: `again ${index}` })),
      );
      for (const step of ['requests_claimed', 'file_uploaded', 'batch_created', 'batch_recorded'] as const) {
        await expect(world.create({ leaseMs: 0, crashAfter: step, chunkSize: 1 })).rejects.toThrow(
          SimulatedCrashError,
        );
      }
      await world.create();
      expect(world.openAi.state.batchIds()).toHaveLength(1);
      expect(world.openAi.count('uploadBatchFile')).toBe(1);
      expect([...world.batchedCustomIds()].sort()).toEqual([...ids].sort());
      expect(world.summary()).toMatchObject({ pending_batching: 0, batching_in_progress: 4 });
    });
  });

  describe('requests that can never be batched fail visibly, attempts unchanged', () => {
    it('fails a request whose interaction is gone (interaction_not_found)', async () => {
      const [gone, kept] = await world.post([
        { id: 'gone', text: 'deleted before batching' },
        { id: 'kept', text: 'still here' },
      ]);
      world.interactions.remove(PROJECT, 'gone');
      const result = await world.create();
      expect(result).toMatchObject({ requestsFailed: 1, requestsBatched: 1 });
      expect(world.request(gone!)).toMatchObject({
        status: 'processing_failed',
        attempts: 0,
        error: { code: 'interaction_not_found', message: 'the interaction is no longer stored' },
        failedAt: expect.any(String),
      });
      expect(world.store.queueOf(PROJECT, gone!)).toBeUndefined();
      expect(world.request(kept!)!.status).toBe('batching_in_progress');
      expect(world.summary()).toMatchObject({ processing_failed: 1, batching_in_progress: 1 });
    });

    it('fails a claimed request whose interaction went away before a resumed run built its line', async () => {
      const [gone] = await world.post([
        { id: 'claimed-gone', text: 'deleted while claimed' },
        { id: 'claimed-kept', text: 'kept while claimed' },
      ]);
      await expect(world.create({ leaseMs: 0, crashAfter: 'requests_claimed' })).rejects.toThrow(
        SimulatedCrashError,
      );
      world.interactions.remove(PROJECT, 'claimed-gone');
      const resumed = await world.create();
      expect(resumed).toMatchObject({ resumedBatches: 1, requestsFailed: 1, requestsBatched: 1 });
      expect(world.request(gone!)).toMatchObject({
        status: 'processing_failed',
        error: { code: 'interaction_not_found' },
      });
      expect(world.request(gone!)!.claimBatchId).toBeUndefined();
    });

    it('fails a request whose line alone is larger than a file may be (line_too_large)', async () => {
      const [big] = await world.post([{ id: 'big', text: 'x'.repeat(5_000) }]);
      const result = await world.create({ maxBytesPerFile: 1_000 });
      expect(result).toMatchObject({ requestsFailed: 1, batchIds: [] });
      expect(world.request(big!)).toMatchObject({
        status: 'processing_failed',
        attempts: 0,
        error: { code: 'line_too_large' },
      });
      expect(world.openAi.calls).toEqual([]);
    });
  });

  describe('a failing step is recorded on the batch and retried by the next run', () => {
    it('resumes after a retryable upload failure, and counts the attempt on the batch', async () => {
      const [id] = await world.post([{ id: 'flaky-upload', text: 'upload fails once' }]);
      world.openAi.failNext('uploadBatchFile', new OpenAiApiError(500, 'boom', { type: 'server_error' }));
      const first = await world.create();
      expect(first).toMatchObject({ errors: 1, batchIds: [] });
      const [batch] = world.store.batchesOf(PROJECT);
      expect(batch).toMatchObject({
        phase: 'claimed',
        resumeFailures: 1,
        lastError: { code: 'http_500', message: 'OpenAI call failed: HTTP 500' },
      });
      expect(batch!.leaseOwner).toBeUndefined();
      expect(world.logs).toContainEqual(
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('step failed') }),
      );
      const second = await world.create();
      expect(second).toMatchObject({ resumedBatches: 1, batchIds: [batch!.id], requestsBatched: 1 });
      expect(world.store.batchesOf(PROJECT)[0]!.resumeFailures).toBeUndefined();
      expect(world.request(id!)!.status).toBe('batching_in_progress');
    });

    it('abandons a batch whose creation fails permanently; its requests go back with one attempt used', async () => {
      const [id] = await world.post([{ id: 'rejected', text: 'create rejected' }]);
      world.openAi.failNext('createBatch', new OpenAiApiError(400, 'bad', { code: 'invalid_value' }));
      const result = await world.create();
      expect(result).toMatchObject({ errors: 1, batchIds: [], requestsFailed: 0 });
      const [batch] = world.store.batchesOf(PROJECT);
      expect(batch).toMatchObject({ phase: 'abandoned', status: 'abandoned' });
      expect(world.request(id!)).toMatchObject({
        status: 'pending_batching',
        attempts: 1,
        error: { code: 'invalid_value', message: 'the batch could not be submitted' },
      });
      expect(world.request(id!)!.claimBatchId).toBeUndefined();
      expect(world.store.queueOf(PROJECT, id!)).toBe('pending');
      // The uploaded input file of the abandoned batch is deleted at OpenAI.
      expect(world.openAi.state.fileIds()).toEqual([]);
      // The next run batches it afresh.
      expect((await world.create()).batchIds).toHaveLength(1);
    });

    it('fails the requests of an abandoned batch once their attempts are used up', async () => {
      const [id] = await world.post([{ id: 'last-try', text: 'last attempt' }]);
      world.openAi.failNext('createBatch', new OpenAiApiError(400, 'bad', { code: 'invalid_value' }));
      const result = await world.create({ maxAttempts: 1 });
      expect(result.requestsFailed).toBe(1);
      expect(world.request(id!)).toMatchObject({
        status: 'processing_failed',
        attempts: 1,
        error: { code: 'invalid_value' },
        failedAt: expect.any(String),
      });
      expect(world.store.queueOf(PROJECT, id!)).toBeUndefined();
      expect(world.summary()).toMatchObject({ pending_batching: 0, processing_failed: 1 });
    });

    it('abandons a batch after maxAttempts retryable failures', async () => {
      const [id] = await world.post([{ id: 'always-500', text: 'keeps failing' }]);
      for (let run = 0; run < 2; run += 1)
        world.openAi.failNext('uploadBatchFile', new OpenAiApiError(503, 'busy'));
      await world.create({ maxAttempts: 2 });
      expect(world.store.batchesOf(PROJECT)[0]).toMatchObject({ phase: 'claimed', resumeFailures: 1 });
      const second = await world.create({ maxAttempts: 2 });
      const abandoned = world.store.batchesOf(PROJECT).find((batch) => batch.phase === 'abandoned');
      expect(abandoned).toMatchObject({ resumeFailures: 2, lastError: { code: 'http_503' } });
      // Back in the queue with one attempt used, and batched afresh by the same run.
      expect(second.batchIds).toHaveLength(1);
      expect(second.batchIds).not.toContain(abandoned!.id);
      expect(world.request(id!)).toMatchObject({
        status: 'batching_in_progress',
        attempts: 1,
        batchId: second.batchIds[0],
      });
    });

    it('does not count an open circuit (the call was never made) against the batch', async () => {
      await world.post([{ id: 'circuit', text: 'circuit open' }]);
      world.openAi.failNext('uploadBatchFile', new CircuitOpenTestError('uploadBatchFile'));
      await world.create({ maxAttempts: 1 });
      const [batch] = world.store.batchesOf(PROJECT);
      expect(batch).toMatchObject({
        phase: 'claimed',
        resumeFailures: 0,
        lastError: { code: 'circuit_open' },
      });
      expect((await world.create({ maxAttempts: 1 })).batchIds).toEqual([batch!.id]);
    });

    it('skips a project without an OpenAI key: its requests stay pending', async () => {
      const [id] = await world.post([{ id: 'no-key', text: 'no key' }], 'keyless');
      world.openAi.projectsWithoutKey.add('keyless');
      const result = await world.create();
      expect(result).toMatchObject({ skippedProjects: ['keyless'], errors: 0, batchIds: [] });
      expect(world.store.request('keyless', id!)).toMatchObject({ status: 'pending_batching', attempts: 0 });
      expect(world.logs).toContainEqual(
        expect.objectContaining({
          attributes: { project: 'keyless', errorClass: 'MissingOpenAiKeyError' },
        }),
      );
    });
  });
});
