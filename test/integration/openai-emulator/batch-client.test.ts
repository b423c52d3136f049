/**
 * The batch client adapter, through the real `openai` SDK, against the local Batch API
 * emulator: the full batch life cycle, every fault, retries, the circuit breaker and
 * sanitized errors.
 */

import { type OpenAiEmulator, startOpenAiEmulator } from '../../../infra/local/openai-emulator';
import {
  type BatchInfo,
  CircuitBreakerRegistry,
  CircuitOpenError,
  createOpenAiBatchClient,
  type OpenAiBatchClient,
  type OpenAiBatchClientConfig,
  OpenAiBatchError,
} from '../../../shared/adapters/openai';
import {
  buildAnalysisRequestLine,
  parseBatchResults,
  pollEventFor,
} from '../../../shared/domain/batch-analysis';

const API_KEY = 'sk-test-0123456789abcdefSECRET';
const TERMINAL = ['completed', 'failed', 'expired', 'cancelled'];

const INTERACTIONS: Record<string, string> = {
  'req-billing': 'User: my invoice is wrong and I am angry\nAssistant: I corrected the invoice for you.',
  'req-code': 'User: thanks, how do I write a typescript function?\nAssistant: Use the function keyword.',
  'req-ship': 'User: where is my parcel?\nAssistant: It is out for delivery today.',
  'req-short': 'User: hi',
  'req-general': 'User: tell me a story about a dragon\nAssistant: Once upon a time a dragon lived there.',
  'req-bad-json': 'User: please analyse [[emulator:invalid-json]] this\nAssistant: ok',
};

function jsonlFor(ids: readonly string[], model = 'gpt-4o-mini'): string {
  return ids
    .map((id) =>
      buildAnalysisRequestLine({
        requestId: id,
        model,
        interactionText: INTERACTIONS[id] ?? `User: request ${id}\nAssistant: answer ${id}`,
        kinds: ['summary', 'topic', 'sentiment', 'quality'],
      }),
    )
    .join('\n');
}

let emulator: OpenAiEmulator;
let breakers: CircuitBreakerRegistry;
let clock: number;

function client(overrides: Partial<OpenAiBatchClientConfig> = {}): OpenAiBatchClient {
  return createOpenAiBatchClient({
    apiKey: API_KEY,
    baseURL: emulator.url,
    project: 'project-a',
    breakers,
    sleep: async () => undefined,
    ...overrides,
  });
}

async function submit(batchClient: OpenAiBatchClient, ids: readonly string[]): Promise<BatchInfo> {
  const file = await batchClient.uploadBatchFile(jsonlFor(ids), 'analysis');
  return batchClient.createBatch(file.id, { tokentrail_plan: 'plan-1' });
}

async function pollToEnd(
  batchClient: OpenAiBatchClient,
  batchId: string,
): Promise<{ batch: BatchInfo; seen: string[] }> {
  const seen: string[] = [];
  for (let poll = 0; poll < 20; poll += 1) {
    const batch = await batchClient.retrieveBatch(batchId);
    seen.push(batch.status);
    if (TERMINAL.includes(batch.status)) return { batch, seen };
  }
  throw new Error('batch never reached a terminal status');
}

async function resultsOf(batchClient: OpenAiBatchClient, batch: BatchInfo) {
  return parseBatchResults({
    ...(batch.outputFileId ? { outputJsonl: await batchClient.downloadFile(batch.outputFileId) } : {}),
    ...(batch.errorFileId ? { errorJsonl: await batchClient.downloadFile(batch.errorFileId) } : {}),
  });
}

function apiCalls(method: string, pathPrefix: string) {
  return emulator.requests().filter((entry) => entry.method === method && entry.path.startsWith(pathPrefix));
}

beforeEach(async () => {
  clock = 1_000_000;
  breakers = new CircuitBreakerRegistry({ failureThreshold: 2, coolDownMs: 60_000, now: () => clock });
  emulator = await startOpenAiEmulator({ seed: 42, apiKeys: [API_KEY, 'sk-other-project-key-000000'] });
});

afterEach(async () => {
  await emulator.stop();
});

describe('happy path', () => {
  it('uploads, creates, polls to completed and matches shuffled output by custom_id', async () => {
    const batchClient = client();
    const ids = ['req-billing', 'req-code', 'req-ship', 'req-short', 'req-general'];
    const created = await submit(batchClient, ids);
    expect(created).toMatchObject({ status: 'validating', metadata: { tokentrail_plan: 'plan-1' } });
    expect(emulator.file(created.inputFileId)).toMatchObject({
      purpose: 'batch',
      filename: 'analysis.jsonl',
    });

    const { batch, seen } = await pollToEnd(batchClient, created.id);
    expect(seen).toEqual(['in_progress', 'finalizing', 'completed']);
    expect(batch).toMatchObject({
      status: 'completed',
      model: 'gpt-4o-mini',
      requestCounts: { total: 5, completed: 5, failed: 0 },
      errors: [],
    });
    expect(batch.errorFileId).toBeUndefined();
    expect(batch.completedAt).toBeGreaterThanOrEqual(batch.createdAt);

    const outputJsonl = await batchClient.downloadFile(batch.outputFileId!);
    const order = outputJsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).custom_id);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(order).not.toEqual(ids);

    const { results, unreadableLineCount } = parseBatchResults({ outputJsonl });
    expect(unreadableLineCount).toBe(0);
    expect(results.get('req-billing')).toMatchObject({
      ok: true,
      analysis: { topic: 'billing', sentiment: 'negative', quality: { verdict: 'good' } },
      model: 'gpt-4o-mini',
    });
    expect(results.get('req-code')).toMatchObject({
      ok: true,
      analysis: { topic: 'programming', sentiment: 'positive' },
    });
    expect(results.get('req-ship')).toMatchObject({
      ok: true,
      analysis: { topic: 'shipping', sentiment: 'neutral' },
    });
    expect(results.get('req-short')).toMatchObject({
      ok: true,
      analysis: { summary: 'User: hi', quality: { verdict: 'poor' } },
    });
    for (const id of ids) {
      const result = results.get(id);
      expect(result?.ok && result.usage.inputTokens > 0 && result.usage.outputTokens > 0).toBe(true);
      expect(pollEventFor(batch.id, batch.status, result)).toEqual({
        type: 'line_succeeded',
        batchId: batch.id,
      });
    }

    await batchClient.deleteFile(created.inputFileId);
    await expect(batchClient.downloadFile(created.inputFileId)).rejects.toMatchObject({
      statusCode: 404,
      retryable: false,
    });
  });

  it('moves one status per pollsPerStep retrievals', async () => {
    await emulator.stop();
    emulator = await startOpenAiEmulator({ pollsPerStep: 2 });
    const batchClient = client();
    const created = await submit(batchClient, ['a']);
    const { seen } = await pollToEnd(batchClient, created.id);
    expect(seen).toEqual([
      'validating',
      'in_progress',
      'in_progress',
      'finalizing',
      'finalizing',
      'completed',
    ]);
  });

  it('lists batches newest first with after/limit pagination', async () => {
    const batchClient = client();
    const created = [];
    for (const id of ['a', 'b', 'c']) created.push((await submit(batchClient, [id])).id);
    const first = await batchClient.listBatches({ limit: 2 });
    expect(first.batches.map((batch) => batch.id)).toEqual([created[2], created[1]]);
    expect(first.hasMore).toBe(true);
    const second = await batchClient.listBatches({ limit: 2, after: first.lastId! });
    expect(second.batches.map((batch) => batch.id)).toEqual([created[0]]);
    expect(second.hasMore).toBe(false);
  });
});

describe('line errors', () => {
  it('writes failed lines to the error file in both real shapes', async () => {
    emulator.setFaults({ lineErrors: { customIds: ['req-ship'], statusCode: 500 } });
    const batchClient = client();
    const created = await submit(batchClient, ['req-billing', 'req-ship', 'req-bad-json']);
    const { batch } = await pollToEnd(batchClient, created.id);
    expect(batch).toMatchObject({
      status: 'completed',
      requestCounts: { total: 3, completed: 2, failed: 1 },
    });
    const errorLine = JSON.parse(emulator.fileContent(batch.errorFileId!).trim());
    expect(errorLine).toMatchObject({
      custom_id: 'req-ship',
      response: { status_code: 500, body: { error: { type: 'server_error', code: 'server_error' } } },
      error: null,
    });

    const { results } = await resultsOf(batchClient, batch);
    expect(results.get('req-billing')?.ok).toBe(true);
    expect(results.get('req-ship')).toMatchObject({ ok: false, code: 'server_error', statusCode: 500 });
    expect(pollEventFor(batch.id, batch.status, results.get('req-ship'))).toMatchObject({ retryable: true });
    expect(results.get('req-bad-json')).toMatchObject({
      ok: false,
      code: 'invalid_analysis',
      statusCode: 200,
    });
    expect(pollEventFor(batch.id, batch.status, results.get('req-bad-json'))).toMatchObject({
      retryable: false,
    });
  });

  it('supports top-level error lines and fraction-based picks', async () => {
    emulator.setFaults({ lineErrors: { fraction: 1, style: 'error', code: 'internal_error' } });
    const batchClient = client();
    const created = await submit(batchClient, ['a', 'b']);
    const { batch } = await pollToEnd(batchClient, created.id);
    expect(batch.outputFileId).toBeUndefined();
    const { results } = await resultsOf(batchClient, batch);
    expect(results.get('a')).toMatchObject({ ok: false, code: 'internal_error' });
    expect(results.get('b')).toMatchObject({ ok: false, code: 'internal_error' });
  });
});

describe('batch-level failures', () => {
  it('fails validation the real way: status failed with errors.data[]', async () => {
    const batchClient = client();
    const good = JSON.parse(jsonlFor(['a']));
    const lines = [
      JSON.stringify(good),
      JSON.stringify(good),
      JSON.stringify({ ...good, custom_id: 'c', url: '/v1/embeddings' }),
      JSON.stringify({ ...good, custom_id: 'd', body: { ...good.body, model: 'gpt-4o' } }),
      '{not json',
    ];
    const file = await batchClient.uploadBatchFile(lines.join('\n'), 'broken.jsonl');
    const created = await batchClient.createBatch(file.id);
    const { batch } = await pollToEnd(batchClient, created.id);
    expect(batch.status).toBe('failed');
    expect(batch.failedAt).toBeDefined();
    expect(batch.errors.map((error) => [error.code, error.line])).toEqual([
      ['duplicate_custom_id', 2],
      ['url_mismatch', 3],
      ['model_mismatch', 4],
      ['invalid_json_line', 5],
    ]);
    expect(batch.outputFileId).toBeUndefined();
  });

  it.each([
    ['empty_file', ''],
    ['too_many_tasks', jsonlFor(['a', 'b', 'c'])],
  ])('rejects a file with %s', async (code, jsonl) => {
    await emulator.stop();
    emulator = await startOpenAiEmulator({ maxRequestsPerFile: 2 });
    const batchClient = client();
    const file = await batchClient.uploadBatchFile(jsonl, 'x.jsonl');
    const { batch } = await pollToEnd(batchClient, (await batchClient.createBatch(file.id)).id);
    expect(batch).toMatchObject({ status: 'failed', errors: [{ code }] });
  });

  it('fails validation on demand', async () => {
    emulator.setFaults({ validationFailure: { code: 'invalid_request', message: 'Bad file.' } });
    const batchClient = client();
    const { batch } = await pollToEnd(batchClient, (await submit(batchClient, ['a'])).id);
    expect(batch).toMatchObject({
      status: 'failed',
      errors: [{ code: 'invalid_request', message: 'Bad file.' }],
    });
    expect(pollEventFor(batch.id, batch.status, undefined)).toEqual({
      type: 'batch_ended',
      batchId: batch.id,
      batchStatus: 'failed',
    });
  });

  it('expires with a partial output file and batch_expired error lines', async () => {
    emulator.setFaults({ expire: { completedFraction: 0.5 } });
    const batchClient = client();
    const ids = ['a', 'b', 'c', 'd'];
    const { batch, seen } = await pollToEnd(batchClient, (await submit(batchClient, ids)).id);
    expect(seen).toEqual(['in_progress', 'expired']);
    expect(batch).toMatchObject({ status: 'expired', requestCounts: { total: 4, completed: 2, failed: 2 } });
    expect(batch.expiredAt).toBeDefined();
    const { results } = await resultsOf(batchClient, batch);
    expect(ids.filter((id) => results.get(id)?.ok)).toEqual(['a', 'b']);
    expect(results.get('c')).toMatchObject({ ok: false, code: 'batch_expired' });
    expect(pollEventFor(batch.id, batch.status, results.get('d'))).toEqual({
      type: 'batch_ended',
      batchId: batch.id,
      batchStatus: 'expired',
    });
  });

  it('fails a batch in progress', async () => {
    emulator.setFaults({ failBatch: true });
    const batchClient = client();
    const { batch } = await pollToEnd(batchClient, (await submit(batchClient, ['a'])).id);
    expect(batch).toMatchObject({ status: 'failed', errors: [{ code: 'batch_failed' }] });
    expect(batch.outputFileId).toBeUndefined();
  });

  it('cancels: cancelling, then cancelled with partial output', async () => {
    emulator.setFaults({ cancel: { completedFraction: 0.25, pollsWhileCancelling: 2 } });
    const batchClient = client();
    const created = await submit(batchClient, ['a', 'b', 'c', 'd']);
    expect((await batchClient.retrieveBatch(created.id)).status).toBe('in_progress');
    const cancelling = await batchClient.cancelBatch(created.id);
    expect(cancelling).toMatchObject({ status: 'cancelling' });
    expect(cancelling.cancellingAt).toBeDefined();
    const { batch, seen } = await pollToEnd(batchClient, created.id);
    expect(seen).toEqual(['cancelling', 'cancelled']);
    expect(batch).toMatchObject({
      status: 'cancelled',
      requestCounts: { total: 4, completed: 1, failed: 3 },
    });
    const { results } = await resultsOf(batchClient, batch);
    expect(results.get('a')?.ok).toBe(true);
    expect(results.get('b')).toMatchObject({ ok: false, code: 'batch_cancelled' });
    await expect(batchClient.cancelBatch(created.id)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('resilience', () => {
  it('retries 429 with retry-after and 500 with backoff (SDK retries)', async () => {
    const batchClient = client({ maxRetries: 2 });
    const created = await submit(batchClient, ['a']);
    emulator.setFaults({ http429: { count: 2, retryAfterSeconds: 0 } });
    expect((await batchClient.retrieveBatch(created.id)).status).toBe('in_progress');
    expect(apiCalls('GET', '/v1/batches/').map((entry) => entry.status)).toEqual([429, 429, 200]);

    emulator.setFaults({ http500: { count: 1 } });
    expect((await batchClient.retrieveBatch(created.id)).status).toBe('finalizing');
    expect(apiCalls('GET', '/v1/batches/').map((entry) => entry.status)).toEqual([429, 429, 200, 500, 200]);
  });

  it('gives up after maxRetries with a sanitized, retryable error', async () => {
    const batchClient = client({ maxRetries: 1 });
    emulator.setFaults({ http429: { count: 5, retryAfterSeconds: 0 } });
    const error = await batchClient.retrieveBatch('batch_x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAiBatchError);
    expect(error).toMatchObject({
      operation: 'retrieveBatch',
      project: 'project-a',
      kind: 'http',
      statusCode: 429,
      providerCode: 'rate_limit_exceeded',
      providerType: 'requests',
      retryable: true,
    });
    expect((error as OpenAiBatchError).providerRequestId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(apiCalls('GET', '/v1/batches/')).toHaveLength(2);
  });

  it('createBatch retries a 429 without duplicating', async () => {
    const batchClient = client();
    const file = await batchClient.uploadBatchFile(jsonlFor(['a']), 'x.jsonl');
    emulator.setFaults({ http429: { count: 1, retryAfterSeconds: 0 } });
    await batchClient.createBatch(file.id);
    expect(emulator.batchIds()).toHaveLength(1);
  });

  it('createBatch finds the batch an ambiguous 500 already created instead of creating a second', async () => {
    const batchClient = client();
    const file = await batchClient.uploadBatchFile(jsonlFor(['a']), 'x.jsonl');
    emulator.setFaults({ http500: { count: 1, afterCommit: true } });
    const batch = await batchClient.createBatch(file.id, { tokentrail_plan: 'p' });
    expect(emulator.batchIds()).toEqual([batch.id]);
    expect(batch).toMatchObject({ inputFileId: file.id, metadata: { tokentrail_plan: 'p' } });
  });

  it('opens the circuit per project and half-opens after the cool-down', async () => {
    const failing = client({ project: 'project-a', maxRetries: 0 });
    const healthy = client({ project: 'project-b', apiKey: 'sk-other-project-key-000000', maxRetries: 0 });
    const created = await submit(healthy, ['a']);

    emulator.setFaults({ http500: { count: 2 } });
    await expect(failing.retrieveBatch(created.id)).rejects.toMatchObject({ statusCode: 500 });
    await expect(failing.retrieveBatch(created.id)).rejects.toMatchObject({ statusCode: 500 });
    expect(breakers.get('project-a').state).toBe('open');

    const before = emulator.requests().length;
    const rejected = await failing.retrieveBatch(created.id).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect(rejected).toMatchObject({ kind: 'circuit_open', retryable: true, retryAfterMs: 60_000 });
    expect(emulator.requests()).toHaveLength(before);

    // Another project is not affected.
    expect((await healthy.retrieveBatch(created.id)).status).toBe('in_progress');

    clock += 60_000;
    expect(breakers.get('project-a').state).toBe('half_open');
    expect((await failing.retrieveBatch(created.id)).status).toBe('finalizing');
    expect(breakers.get('project-a').state).toBe('closed');
  });

  it('counts a rejected key against its project only, and a 404 not at all', async () => {
    const wrongKey = 'sk-wrong-key-should-never-leak-9876';
    const bad = client({ project: 'project-a', apiKey: wrongKey, maxRetries: 0 });
    const good = client({ project: 'project-b', maxRetries: 0 });
    await expect(good.retrieveBatch('batch_missing')).rejects.toMatchObject({ statusCode: 404 });
    await expect(good.retrieveBatch('batch_missing')).rejects.toMatchObject({ statusCode: 404 });
    expect(breakers.get('project-b').state).toBe('closed');

    await expect(bad.listBatches()).rejects.toMatchObject({
      statusCode: 401,
      providerCode: 'invalid_api_key',
    });
    await expect(bad.listBatches()).rejects.toMatchObject({ statusCode: 401 });
    await expect(bad.listBatches()).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(good.listBatches()).resolves.toMatchObject({ batches: [] });

    clock += 60_000;
    await expect(bad.listBatches()).rejects.toMatchObject({ statusCode: 401 });
    expect(breakers.get('project-a').state).toBe('open');
  });
});

describe('auth and sanitized errors', () => {
  it('answers 401 without a bearer key, in the real error shape', async () => {
    for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: 'Basic abc' }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(`${emulator.url}/batches`, { headers });
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body).toEqual({
        error: {
          message: expect.stringContaining("didn't provide an API key"),
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
  });

  it('never puts the API key, the error body or payload text in thrown errors', async () => {
    const wrongKey = 'sk-proj-WRONGKEYabcdef0123456789-zq9x';
    breakers = new CircuitBreakerRegistry({ failureThreshold: 100 });
    const bad = client({ apiKey: wrongKey, maxRetries: 0 });
    const errors: unknown[] = [];
    errors.push(
      await bad
        .uploadBatchFile('{"secret payload":"my password is hunter2"}', 'x.jsonl')
        .catch((e: unknown) => e),
    );
    errors.push(await bad.retrieveBatch('batch_1').catch((e: unknown) => e));
    errors.push(await bad.downloadFile('file-1').catch((e: unknown) => e));

    const good = client({ maxRetries: 0, project: 'project-c' });
    emulator.setFaults({ http500: { count: 1 } });
    errors.push(
      await good
        .uploadBatchFile('{"secret payload":"my password is hunter2"}', 'x.jsonl')
        .catch((e: unknown) => e),
    );
    errors.push(await good.createBatch('file-does-not-exist').catch((e: unknown) => e));

    for (const error of errors) {
      expect(error).toBeInstanceOf(OpenAiBatchError);
      const rendered = [
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
        JSON.stringify(
          Object.getOwnPropertyNames(error).map((name) => (error as Record<string, unknown>)[name]),
        ),
      ].join('\n');
      for (const forbidden of [
        wrongKey,
        wrongKey.slice(0, 6),
        wrongKey.slice(-4),
        API_KEY,
        'hunter2',
        'Incorrect API key',
        'Sorry about that',
        'No such File',
      ]) {
        expect(rendered).not.toContain(forbidden);
      }
      expect((error as Error).cause).toBeUndefined();
    }
    expect(errors.map((error) => (error as OpenAiBatchError).statusCode)).toEqual([401, 401, 401, 500, 404]);
  });
});

describe('control endpoint', () => {
  it('sets, reads and validates faults over HTTP', async () => {
    const base = emulator.url.replace(/\/v1$/, '');
    const set = await fetch(`${base}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ http429: { count: 1, retryAfterSeconds: 0 } }),
    });
    expect(set.status).toBe(200);
    expect(emulator.faults()).toEqual({ http429: { count: 1, retryAfterSeconds: 0 } });
    const invalid = await fetch(`${base}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ explode: true }),
    });
    expect(invalid.status).toBe(400);
    expect(((await (await fetch(`${base}/_emulator/faults`)).json()) as { faults: unknown }).faults).toEqual({
      http429: { count: 1, retryAfterSeconds: 0 },
    });
    const response = await fetch(`${emulator.url}/batches`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('0');
    expect(await response.json()).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'requests' } });
  });
});
