/**
 * The analysis admin API: admin keys only, settings with sampling, the status summary, the request
 * list with cursors, requeue semantics and the batch list.
 */

import { saveApiKey } from '../../../shared/adapters/aws/api-key-store';
import { generateApiKey } from '../../../shared/domain/auth/api-keys';
import { analysisRequestId } from '../../../shared/domain/batch-analysis';
import { api } from '../../support/stack';
import {
  type AnalysisHarness,
  pollUntilIdle,
  postInteractions,
  startAnalysisHarness,
  stopAnalysisHarness,
  summary,
} from './support';

const ADMIN_ROUTES: [string, string, unknown?][] = [
  ['GET', '/admin/analysis/summary'],
  ['GET', '/admin/analysis/requests'],
  ['POST', '/admin/analysis/requests/requeue', { requestIds: ['x'] }],
  ['GET', '/admin/batches'],
  ['GET', '/admin/analysis/settings'],
  ['PUT', '/admin/analysis/settings', { sampleRate: 1 }],
];

interface RequestRow {
  id: string;
  interactionId: string;
  status: string;
  attempts: number;
  failedAt: string | null;
  error: { code: string; message: string } | null;
}

describe('offline analysis: admin API', () => {
  let harness: AnalysisHarness;

  beforeAll(async () => {
    harness = await startAnalysisHarness(17);
  });
  afterAll(async () => {
    await stopAnalysisHarness(harness);
  });

  it('answers 403 to keys without the admin scope and 401 without a key', async () => {
    const { stack } = harness;
    const readOnly = generateApiKey({ project: stack.project, scopes: ['read'], name: 'read only' });
    await saveApiKey(readOnly.record);
    for (const [method, path, body] of ADMIN_ROUTES) {
      for (const key of [stack.apiKey, readOnly.key]) {
        const answer = await api(stack, method, path, { key, ...(body === undefined ? {} : { body }) });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 403 });
        expect(answer.body).toMatchObject({ error: { code: 'forbidden' } });
      }
      const anonymous = await api(stack, method, path, {
        key: null,
        ...(body === undefined ? {} : { body }),
      });
      expect(anonymous.status).toBe(401);
    }
  });

  it('validates and stores analysis settings; sampling selects interactions, analyze: false opts out', async () => {
    const { stack } = harness;
    const defaults = await api(stack, 'GET', '/admin/analysis/settings');
    expect(defaults.body).toEqual({
      ok: true,
      settings: {
        analyses: ['summary', 'topic', 'sentiment', 'quality'],
        model: 'gpt-4o-mini',
        sampleRate: 0,
        maxInputChars: 32_000,
      },
    });
    const invalid = await api(stack, 'PUT', '/admin/analysis/settings', {
      body: { sampleRate: 2, analyses: ['mood'], extra: true },
    });
    expect(invalid.status).toBe(400);
    const paths = (invalid.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['sampleRate', 'analyses.0']));

    const saved = await api(stack, 'PUT', '/admin/analysis/settings', {
      body: { sampleRate: 1, analyses: ['topic', 'sentiment'] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ settings: { sampleRate: 1, analyses: ['topic', 'sentiment'] } });

    // Settings are cached for a minute in the processor; the twin shares the process, so clear it.
    const { clearProjectSettingsCache } = await import('../../../shared/adapters/aws/project-settings');
    clearProjectSettingsCache();
    const before = await summary(stack);
    await postInteractions(stack, [
      { id: 'sampled-1', text: 'sampled by the project settings', analyze: null },
      { id: 'opted-out', text: 'never analysed', analyze: false },
    ]);
    const after = await summary(stack);
    expect(after.pending_batching - before.pending_batching).toBe(1);

    await stack.runJob('batch-creator', {});
    await pollUntilIdle(stack);
    const shown = await api(stack, 'GET', '/v1/interactions/sampled-1', { key: stack.apiKey });
    expect(shown.body.analysis).toMatchObject({
      status: 'processing_complete',
      analyses: ['topic', 'sentiment'],
      result: { topic: 'general' },
    });
    expect((shown.body.analysis as { result: Record<string, unknown> }).result.summary).toBeUndefined();
    await api(stack, 'PUT', '/admin/analysis/settings', { body: {} });
    clearProjectSettingsCache();
  });

  it('lists requests by status with a cursor, and requeues only failed requests', async () => {
    const { stack, emulator } = harness;
    const ids = await postInteractions(stack, [
      { id: 'rq-fail-1', text: 'will fail one' },
      { id: 'rq-fail-2', text: 'will fail two' },
      { id: 'rq-ok', text: 'will complete' },
    ]);
    await stack.runJob('batch-creator', {});
    emulator.setFaults({
      lineErrors: { customIds: [ids[0]!, ids[1]!], statusCode: 400, code: 'invalid_prompt' },
    });
    await pollUntilIdle(stack);
    emulator.setFaults({});

    const firstPage = await api<{ ok: boolean; requests: RequestRow[]; nextCursor: string | null }>(
      stack,
      'GET',
      '/admin/analysis/requests?status=processing_failed&limit=1',
    );
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.requests).toHaveLength(1);
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    const secondPage = await api<{ requests: RequestRow[]; nextCursor: string | null }>(
      stack,
      'GET',
      `/admin/analysis/requests?status=processing_failed&limit=1&cursor=${encodeURIComponent(firstPage.body.nextCursor!)}`,
    );
    const failed = [...firstPage.body.requests, ...secondPage.body.requests];
    expect(failed.map((row) => row.id).sort()).toEqual([ids[0], ids[1]].sort());
    for (const row of failed) {
      expect(row).toMatchObject({
        status: 'processing_failed',
        attempts: 0,
        error: { code: 'invalid_prompt' },
      });
      expect(typeof row.failedAt).toBe('string');
      expect(row.interactionId).toMatch(/^rq-fail-/);
    }
    const badStatus = await api(stack, 'GET', '/admin/analysis/requests?status=nope');
    expect(badStatus.status).toBe(400);
    // Made-up cursors, and one used with another filter or list, are a 400 on `cursor`, never a 500.
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const otherProject = cursorOf({
      s: 0,
      k: { pk: 'AREQ#x', sk: 'AREQ', statusPk: 'ASTATUS#other#processing_failed', statusSk: 'x' },
    });
    for (const url of [
      '/admin/analysis/requests?cursor=not-a-cursor',
      `/admin/analysis/requests?cursor=${cursorOf({ s: 0, k: { pk: 1 } })}`,
      `/admin/analysis/requests?status=processing_failed&cursor=${otherProject}`,
      `/admin/analysis/requests?status=processing_failed&cursor=${cursorOf({ s: 3 })}`,
      `/admin/batches?cursor=${encodeURIComponent(firstPage.body.nextCursor!)}`,
      `/admin/batches?cursor=${cursorOf({ s: 0, k: { pk: 'ABATCH#other', sk: 'ABATCH#1' } })}`,
    ]) {
      const answer = await api(stack, 'GET', url);
      expect({ url, status: answer.status }).toEqual({ url, status: 400 });
      expect(answer.body).toMatchObject({ error: { issues: [{ path: 'cursor' }] } });
    }

    const before = await summary(stack);
    const requeued = await api(stack, 'POST', '/admin/analysis/requests/requeue', {
      body: { requestIds: [ids[0], ids[2], analysisRequestId(stack.project, 'does-not-exist')] },
    });
    expect(requeued.status).toBe(200);
    expect(requeued.body).toMatchObject({ ok: true, requeuedCount: 1, notFoundCount: 1, skippedCount: 1 });
    // Requeuing again changes nothing: the request is no longer failed.
    const again = await api(stack, 'POST', '/admin/analysis/requests/requeue', {
      body: { requestIds: [ids[0]] },
    });
    expect(again.body).toMatchObject({ requeuedCount: 0, notFoundCount: 0 });
    // The interaction shows the request waiting again, not the cleared failure.
    const shown = await api<{ analysis: Record<string, unknown> }>(
      stack,
      'GET',
      '/v1/interactions/rq-fail-1',
    );
    expect(shown.body.analysis).toMatchObject({ requestId: ids[0], status: 'pending_batching', attempts: 0 });
    expect(shown.body.analysis.error).toBeUndefined();
    const after = await summary(stack);
    expect(after.processing_failed).toBe(before.processing_failed - 1);
    expect(after.pending_batching).toBe(before.pending_batching + 1);
    expect(after.processing_complete).toBe(before.processing_complete);

    const pending = await api<{ requests: RequestRow[] }>(
      stack,
      'GET',
      '/admin/analysis/requests?status=pending_batching',
    );
    expect(pending.body.requests).toEqual([
      {
        id: ids[0],
        interactionId: 'rq-fail-1',
        status: 'pending_batching',
        attempts: 0,
        failedAt: null,
        error: null,
      },
    ]);

    await stack.runJob('batch-creator', {});
    await pollUntilIdle(stack);
    const done = await api(stack, 'GET', '/v1/interactions/rq-fail-1', { key: stack.apiKey });
    expect(done.body.analysis).toMatchObject({ status: 'processing_complete' });

    const invalid = await api(stack, 'POST', '/admin/analysis/requests/requeue', {
      body: { requestIds: [] },
    });
    expect(invalid.status).toBe(400);
  });

  it('lists batches newest first with their OpenAI ids, states and counts', async () => {
    const { stack, emulator } = harness;
    const answer = await api<{ ok: boolean; batches: Record<string, unknown>[] }>(
      stack,
      'GET',
      '/admin/batches',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.batches.length).toBe(emulator.batchIds().length);
    expect(answer.body.batches.map((batch) => batch.openaiBatchId)).toEqual(
      [...emulator.batchIds()].reverse(),
    );
    for (const batch of answer.body.batches) {
      expect(batch).toEqual(
        expect.objectContaining({
          id: expect.stringMatching(/^ab_/),
          model: 'gpt-4o-mini',
          status: 'completed',
          requestCounts: expect.objectContaining({ total: expect.any(Number) }),
          createdAt: expect.any(String),
          completedAt: expect.any(String),
          processedAt: expect.any(String),
        }),
      );
    }
  });
});
