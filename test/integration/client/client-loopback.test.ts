import { TokentrailClient, type TokentrailClientError } from '../../../shared/client';
import { API_KEY, IngestEmulator } from './ingest-emulator';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function interaction(n: number) {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${n}` }] },
    response: { model: 'gpt-4o-mini', usage: { prompt_tokens: 12, completion_tokens: 3 } },
    latencyMs: 100 + n,
  };
}

describe('TokentrailClient against a loopback ingest endpoint', () => {
  let server: IngestEmulator;

  beforeEach(async () => {
    server = new IngestEmulator();
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('delivers every interaction exactly once by id through a server restart, lost answers, 503s, 429s and partial failures', async () => {
    const errors: TokentrailClientError[] = [];
    const client = new TokentrailClient({
      endpoint: server.url,
      apiKey: API_KEY,
      batchSize: 25,
      flushIntervalMs: 20,
      maxRetries: 1_000,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 100,
      requestTimeoutMs: 2_000,
      onError: (error) => errors.push(error),
    });
    const cycle = [
      'none',
      'lose-answer',
      'none',
      'error-503',
      'partial-failed',
      'none',
      'retry-after',
    ] as const;
    server.misbehave = (request) => cycle[request % cycle.length]!;

    const recorded = new Set<string>();
    for (let n = 0; n < 600; n += 1) {
      recorded.add(client.record(interaction(n)));
      if (n === 200) {
        // The endpoint goes away mid-stream and comes back on the same port.
        await server.stop();
        for (let m = 0; m < 100; m += 1) recorded.add(client.record(interaction(1_000 + m)));
        await pause(150);
        await server.start();
      }
      if (n % 50 === 0) await pause(5);
    }
    await client.flush();

    expect(errors).toEqual([]);
    expect(new Set(server.stored.keys())).toEqual(recorded);
    expect(server.stored.size).toBe(700);
    expect(server.duplicates).toBeGreaterThan(0);
    expect(client.stats()).toMatchObject({
      recorded: 700,
      accepted: 700,
      rejected: 0,
      failed: 0,
      dropped: 0,
      buffered: 0,
      inFlight: 0,
    });
    expect(client.stats().retries).toBeGreaterThan(0);
    await client.shutdown();
  });

  it('reports a wrong API key once per batch and never retries it', async () => {
    const errors: TokentrailClientError[] = [];
    const client = new TokentrailClient({
      endpoint: server.url,
      apiKey: 'wrong',
      batchSize: 10,
      onError: (error) => errors.push(error),
    });
    for (let n = 0; n < 20; n += 1) client.record(interaction(n));
    await client.shutdown();
    expect(server.requests).toBe(2);
    expect(errors.map((error) => [error.name, error.ids.length])).toEqual([
      ['DeliveryFailedError', 10],
      ['DeliveryFailedError', 10],
    ]);
    expect(client.stats()).toMatchObject({ failed: 20, accepted: 0 });
  });
});
