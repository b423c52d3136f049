import fc from 'fast-check';
import {
  BufferOverflowError,
  ClientClosedError,
  DeliveryFailedError,
  InteractionRejectedError,
  InvalidClientOptionsError,
  TokentrailClient,
  type TokentrailClientError,
  type TokentrailClientOptions,
} from '../../../shared/client';
import { FakeIngest, interaction, ManualTimers, settle } from './fakes';

function setup(options: Partial<TokentrailClientOptions> = {}) {
  const timers = new ManualTimers();
  const ingest = new FakeIngest();
  const errors: TokentrailClientError[] = [];
  let nextId = 0;
  const client = new TokentrailClient({
    endpoint: 'https://tokentrail.example.com/prod/',
    apiKey: 'tt_test_key',
    fetch: ingest.fetch,
    timers,
    now: () => timers.now,
    random: () => 0.5,
    randomId: () => `generated-${++nextId}`,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { client, timers, ingest, errors };
}

function invariantHolds(client: TokentrailClient): void {
  const stats = client.stats();
  expect(stats.recorded).toBe(
    stats.accepted + stats.rejected + stats.failed + stats.dropped + stats.buffered + stats.inFlight,
  );
}

describe('TokentrailClient: batching', () => {
  it('sends a full batch at once and the rest after the flush interval', async () => {
    const { client, timers, ingest } = setup({ batchSize: 50 });
    for (let index = 0; index < 120; index += 1) client.record(interaction());
    await settle();
    expect(ingest.requests.map((request) => request.ids.length)).toEqual([50, 50]);
    await timers.advance(999);
    expect(ingest.requests).toHaveLength(2);
    await timers.advance(1);
    expect(ingest.requests.map((request) => request.ids.length)).toEqual([50, 50, 20]);
    expect(client.stats()).toMatchObject({
      recorded: 120,
      accepted: 120,
      buffered: 0,
      inFlight: 0,
      requests: 3,
    });
    expect(timers.pendingCount).toBe(0);
  });

  it('posts {"interactions": [...]} to <endpoint>/v1/interactions with the bearer key', async () => {
    const { client, ingest } = setup();
    client.record(interaction());
    await client.flush();
    expect(ingest.requests[0]).toMatchObject({
      url: 'https://tokentrail.example.com/prod/v1/interactions',
      headers: { authorization: 'Bearer tt_test_key', 'content-type': 'application/json' },
    });
  });

  it('keeps a given id, assigns one when missing, and snapshots the interaction at record time', async () => {
    const { client, ingest } = setup();
    const given = interaction({ id: 'my-id-1' });
    expect(client.record(given)).toBe('my-id-1');
    expect(client.record(interaction())).toBe('generated-1');
    given.model = 'changed-after-record';
    await client.flush();
    expect(ingest.requests[0]!.ids).toEqual(['my-id-1', 'generated-1']);
    expect(ingest.requests[0]!.interactions[0]!.model).toBe('gpt-4o');
  });

  it('uses crypto.randomUUID by default', () => {
    const ingest = new FakeIngest();
    const client = new TokentrailClient({
      endpoint: 'https://x.example.com',
      apiKey: 'k',
      fetch: ingest.fetch,
      timers: new ManualTimers(),
    });
    expect(client.record(interaction())).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('splits batches to stay under maxBatchBytes', async () => {
    const { client, ingest } = setup({ maxBatchBytes: 2048 });
    for (let index = 0; index < 6; index += 1)
      client.record(interaction({ metadata: { pad: 'x'.repeat(700) } }));
    await client.flush();
    expect(ingest.requests.map((request) => request.ids.length)).toEqual([2, 2, 2]);
  });

  it('flush() resolves at once when nothing is pending, and holds no timer when idle', async () => {
    const { client, timers } = setup();
    await client.flush();
    expect(timers.pendingCount).toBe(0);
  });
});

describe('TokentrailClient: retries', () => {
  it('retries 5xx and network errors with the same ids, backing off with full jitter', async () => {
    const { client, timers, ingest } = setup({ retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 });
    ingest.reply = (request, attempt) =>
      attempt === 1 ? { status: 503 } : attempt === 2 ? 'network-error' : FakeIngest.accept(request);
    const id = client.record(interaction());
    const flushed = client.flush();
    await timers.runAll();
    await flushed;
    expect(ingest.requests.map((request) => request.ids)).toEqual([[id], [id], [id]]);
    // random() = 0.5: retry 1 waits 0.5 × 100, retry 2 waits 0.5 × 200.
    expect(timers.requested.filter((ms) => ms === 50 || ms === 100)).toEqual([50, 100]);
    expect(client.stats()).toMatchObject({ accepted: 1, retries: 2, requests: 3 });
  });

  it('honours Retry-After on 429', async () => {
    const { client, timers, ingest } = setup();
    ingest.reply = (request, attempt) =>
      attempt === 1 ? { status: 429, headers: { 'retry-after': '2' } } : FakeIngest.accept(request);
    client.record(interaction());
    const flushed = client.flush();
    await timers.advance(1_999);
    expect(ingest.requests).toHaveLength(1);
    await timers.advance(1);
    await flushed;
    expect(ingest.requests).toHaveLength(2);
  });

  it('aborts a hanging request after requestTimeoutMs and retries it', async () => {
    const { client, timers, ingest } = setup({ requestTimeoutMs: 5_000 });
    ingest.reply = (request, attempt) => (attempt === 1 ? 'hang' : FakeIngest.accept(request));
    client.record(interaction());
    const flushed = client.flush();
    await timers.advance(4_999);
    expect(ingest.requests).toHaveLength(1);
    await timers.runAll();
    await flushed;
    expect(ingest.requests).toHaveLength(2);
    expect(client.stats().accepted).toBe(1);
  });

  it('gives up after maxRetries and reports DeliveryFailedError with the ids', async () => {
    const { client, timers, ingest, errors } = setup({ maxRetries: 3 });
    ingest.reply = () => ({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    const id = client.record(interaction());
    const flushed = client.flush();
    await timers.runAll();
    await flushed;
    expect(ingest.requests).toHaveLength(4);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeliveryFailedError);
    expect(errors[0]).toMatchObject({ ids: [id], attempts: 4, status: 500, reason: 'retries-exhausted' });
    expect(client.stats()).toMatchObject({ failed: 1, retries: 3 });
    invariantHolds(client);
  });

  it.each([
    [400, InteractionRejectedError, 'rejected'],
    [401, DeliveryFailedError, 'failed'],
    [403, DeliveryFailedError, 'failed'],
  ] as const)('never retries %i; reports it and counts the items', async (status, errorClass, counter) => {
    const { client, timers, ingest, errors } = setup();
    ingest.reply = () => ({
      status,
      body: { error: { code: 'x', message: 'no', issues: [{ path: 'interactions', message: 'bad' }] } },
    });
    client.record(interaction());
    client.record(interaction());
    const flushed = client.flush();
    await timers.runAll();
    await flushed;
    expect(ingest.requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(errorClass);
    expect(errors[0]!.ids).toHaveLength(2);
    expect(client.stats()[counter]).toBe(2);
  });

  it('splits a batch on 413 and rejects a single interaction that is still too large', async () => {
    const { client, ingest, errors } = setup();
    ingest.reply = (request) =>
      request.interactions.some((item) => item.model === 'huge') || request.ids.length > 2
        ? { status: 413, body: { error: { code: 'payload_too_large', message: 'too large' } } }
        : FakeIngest.accept(request);
    const ids = [
      client.record(interaction()),
      client.record(interaction()),
      client.record(interaction({ model: 'huge' })),
      client.record(interaction()),
    ];
    await client.flush();
    expect(ingest.requests.map((request) => request.ids)).toEqual([
      ids,
      [ids[0], ids[1]],
      [ids[2], ids[3]],
      [ids[2]],
      [ids[3]],
    ]);
    expect([...ingest.stored].sort()).toEqual([ids[0], ids[1], ids[3]].sort());
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InteractionRejectedError);
    expect(errors[0]).toMatchObject({ ids: [ids[2]], status: 413 });
    expect(client.stats()).toMatchObject({ accepted: 3, rejected: 1 });
  });
});

describe('TokentrailClient: per-item results', () => {
  it('drops and reports rejected items, retries only the failed ones with the same ids', async () => {
    const { client, timers, ingest, errors } = setup();
    ingest.reply = (request, attempt) => {
      if (attempt > 1) return FakeIngest.accept(request);
      return {
        status: 202,
        body: {
          ids: request.ids,
          results: [
            { index: 0, id: request.ids[0], status: 'accepted' },
            {
              index: 1,
              status: 'rejected',
              issues: [{ path: 'interactions.1.usage', message: 'bad usage' }],
            },
            { index: 2, id: request.ids[2], status: 'failed', retryable: true, code: 'queue_unavailable' },
          ],
        },
      };
    };
    const ids = [client.record(interaction()), client.record(interaction()), client.record(interaction())];
    const flushed = client.flush();
    await timers.runAll();
    await flushed;
    expect(ingest.requests.map((request) => request.ids)).toEqual([ids, [ids[2]]]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InteractionRejectedError);
    expect((errors[0] as InteractionRejectedError).issues).toEqual([
      { id: ids[1], path: 'interactions.1.usage', message: 'bad usage' },
    ]);
    expect(client.stats()).toMatchObject({ accepted: 2, rejected: 1, retries: 1 });
  });

  it('rejects an invalid interaction locally without sending it', async () => {
    const { client, ingest, errors } = setup();
    const id = client.record({ provider: 'openai', usage: { inputTokens: -1, outputTokens: 0 } });
    await client.flush();
    expect(ingest.requests).toHaveLength(0);
    expect(errors[0]).toBeInstanceOf(InteractionRejectedError);
    expect(errors[0]!.ids).toEqual([id]);
    expect((errors[0] as InteractionRejectedError).issues.map((issue) => issue.path).sort()).toEqual([
      'model',
      'usage.inputTokens',
    ]);
    expect(client.stats()).toMatchObject({ recorded: 1, rejected: 1 });
  });
});

describe('TokentrailClient: bounded buffer', () => {
  it('drops the newest interaction when full (default policy) and reports it', async () => {
    const { client, ingest, errors } = setup({ maxBufferSize: 3, batchSize: 100 });
    const ids = [1, 2, 3, 4, 5].map(() => client.record(interaction()));
    expect(client.stats()).toMatchObject({ buffered: 3, dropped: 2 });
    expect(errors.map((error) => [error.constructor, error.ids])).toEqual([
      [BufferOverflowError, [ids[3]]],
      [BufferOverflowError, [ids[4]]],
    ]);
    await client.flush();
    expect(ingest.requests[0]!.ids).toEqual(ids.slice(0, 3));
    invariantHolds(client);
  });

  it('drops the oldest queued interaction with drop-oldest', async () => {
    const { client, ingest, errors } = setup({ maxBufferSize: 3, batchSize: 100, overflow: 'drop-oldest' });
    const ids = [1, 2, 3, 4, 5].map(() => client.record(interaction()));
    expect(errors.map((error) => error.ids[0])).toEqual([ids[0], ids[1]]);
    await client.flush();
    expect(ingest.requests[0]!.ids).toEqual(ids.slice(2));
    expect(client.stats()).toMatchObject({ accepted: 3, dropped: 2 });
  });

  it('never drops an in-flight interaction: drop-oldest falls back to dropping the newest', async () => {
    const { client, timers, ingest, errors } = setup({
      maxBufferSize: 2,
      batchSize: 2,
      overflow: 'drop-oldest',
    });
    ingest.reply = () => 'hang';
    const ids = [client.record(interaction()), client.record(interaction())];
    await settle();
    const third = client.record(interaction());
    expect(errors.map((error) => error.ids)).toEqual([[third]]);
    expect(ingest.requests[0]!.ids).toEqual(ids);
    ingest.reply = (request) => FakeIngest.accept(request);
    const flushed = client.flush();
    await timers.runAll();
    await flushed;
    expect(client.stats()).toMatchObject({ accepted: 2, dropped: 1 });
  });

  it('recordAsync waits for room instead of dropping', async () => {
    const { client, timers } = setup({ maxBufferSize: 2, batchSize: 2 });
    client.record(interaction());
    client.record(interaction());
    let recorded: string | undefined;
    const waiting = client.recordAsync(interaction()).then((id) => {
      recorded = id;
    });
    expect(recorded).toBeUndefined();
    await timers.runAll();
    await waiting;
    expect(recorded).toBeDefined();
    await client.flush();
    expect(client.stats()).toMatchObject({ accepted: 3, dropped: 0 });
  });
});

describe('TokentrailClient: lifecycle', () => {
  it('flush() waits for retries of everything recorded before it', async () => {
    const { client, timers, ingest } = setup();
    ingest.reply = (request, attempt) => (attempt === 1 ? { status: 502 } : FakeIngest.accept(request));
    client.record(interaction());
    let done = false;
    const flushed = client.flush().then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    await timers.runAll();
    await flushed;
    expect(done).toBe(true);
    expect(client.stats().accepted).toBe(1);
  });

  it('shutdown() flushes, leaves no timer, and drops later records', async () => {
    const { client, timers, ingest, errors } = setup();
    client.record(interaction());
    await client.shutdown();
    expect(ingest.requests).toHaveLength(1);
    expect(timers.pendingCount).toBe(0);
    const late = client.record(interaction());
    expect(errors.at(-1)).toBeInstanceOf(ClientClosedError);
    expect(errors.at(-1)!.ids).toEqual([late]);
    expect(client.stats()).toMatchObject({ recorded: 2, accepted: 1, dropped: 1 });
    await client.shutdown();
  });

  it('survives an onError handler that throws', async () => {
    const { client } = setup({
      onError: () => {
        throw new Error('boom');
      },
      maxBufferSize: 1,
    });
    client.record(interaction());
    expect(() => client.record(interaction())).not.toThrow();
    await client.flush();
    expect(client.stats()).toMatchObject({ accepted: 1, dropped: 1 });
  });

  it.each([
    [{ batchSize: 101 }, 'batchSize'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ endpoint: 'not a url' }, 'endpoint'],
    [{ apiKey: '' }, 'apiKey'],
    [{ overflow: 'block' }, 'overflow'],
  ])('rejects invalid options %j', (override, path) => {
    expect(
      () => new TokentrailClient({ endpoint: 'https://x.example.com', apiKey: 'k', ...(override as object) }),
    ).toThrow(InvalidClientOptionsError);
    try {
      new TokentrailClient({ endpoint: 'https://x.example.com', apiKey: 'k', ...(override as object) });
    } catch (error) {
      expect((error as InvalidClientOptionsError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});

describe('TokentrailClient: property', () => {
  type Behaviour = 'accept' | 'error-503' | 'network' | 'lost-answer' | 'partial-failed' | 'retry-after';

  it('after flush, every recorded interaction is stored exactly once by id, whatever the server does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.array(
          fc.constantFrom<Behaviour>(
            'accept',
            'error-503',
            'network',
            'lost-answer',
            'partial-failed',
            'retry-after',
          ),
          {
            maxLength: 20,
          },
        ),
        fc.integer({ min: 1, max: 100 }),
        async (count, behaviours, batchSize) => {
          const { client, timers, ingest } = setup({
            batchSize,
            maxRetries: 100,
            retryMaxDelayMs: 1_000,
            random: Math.random,
          });
          const storedCounts = new Map<string, number>();
          // Each batch walks the behaviours on its own; 'accept' closes the cycle so every batch gets through.
          const cycle = [...behaviours, 'accept' as const];
          const attemptsByBatch = new Map<string, number>();
          ingest.reply = (request) => {
            const attempt = attemptsByBatch.get(request.ids[0]!) ?? 0;
            attemptsByBatch.set(request.ids[0]!, attempt + 1);
            const behaviour = cycle[attempt % cycle.length]!;
            const store = (ids: string[]) => {
              for (const id of ids) storedCounts.set(id, (storedCounts.get(id) ?? 0) + 1);
            };
            switch (behaviour) {
              case 'accept':
                store(request.ids);
                return FakeIngest.accept(request);
              case 'error-503':
                return { status: 503 };
              case 'retry-after':
                return { status: 429, headers: { 'retry-after': '1' } };
              case 'network':
                return 'network-error';
              case 'lost-answer':
                // Stored, but the answer never reaches the client: the retry must dedupe.
                store(request.ids);
                return 'network-error';
              case 'partial-failed': {
                store(request.ids.filter((_id, index) => index % 2 === 0));
                return {
                  status: 202,
                  body: {
                    ids: request.ids,
                    results: request.ids.map((id, index) => ({
                      index,
                      id,
                      status: index % 2 === 0 ? 'accepted' : 'failed',
                    })),
                  },
                };
              }
            }
          };
          const recorded = new Set<string>();
          for (let index = 0; index < count; index += 1) recorded.add(client.record(interaction()));
          const flushed = client.flush();
          await timers.runAll();
          await flushed;
          // The ledger dedupes by id: distinct stored ids are exactly the recorded ones.
          expect(new Set(storedCounts.keys())).toEqual(recorded);
          expect(client.stats()).toMatchObject({
            recorded: count,
            accepted: count,
            buffered: 0,
            inFlight: 0,
          });
          expect(timers.pendingCount).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
