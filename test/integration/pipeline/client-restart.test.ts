import type { LocalStack } from '../../../infra/local/twin';
import { TokentrailClient } from '../../../shared/client';
import { api, openAiChat, startTestStack } from '../../support/stack';

describe('client SDK against the local stack, killed and restarted mid-stream', () => {
  let stack: LocalStack | undefined;

  afterAll(async () => {
    await stack?.stop();
  });

  it('loses and doubles nothing: after flush() every recorded interaction is stored exactly once', async () => {
    const prefix = `client${Date.now().toString(36)}`;
    stack = await startTestStack({ prefix });
    const { url, apiKey, adminKey } = stack;
    const port = Number(new URL(url).port);
    const errors: string[] = [];
    const client = new TokentrailClient({
      endpoint: url,
      apiKey,
      batchSize: 10,
      flushIntervalMs: 20,
      maxRetries: 30,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 400,
      onError: (error) => errors.push(error.message),
    });

    const ids: string[] = [];
    const total = 120;
    for (let n = 0; n < total; n += 1) {
      ids.push(
        client.record(openAiChat({ sessionId: 'client-restart' }, `message ${n}`) as { provider: string }),
      );
      if (n === 40) {
        // Kill the stack while batches are in flight; the queue and tables live on in the emulators.
        await stack.stop();
      }
      if (n === 80) {
        stack = await startTestStack({ prefix, port, apiKey, adminKey });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await client.flush();
    await stack.drain();

    const stored: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { interactions: { id: string }[]; nextCursor: string | null } } = await api(
        stack,
        'GET',
        `/v1/interactions?sessionId=client-restart&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      stored.push(...page.body.interactions.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual([...ids].sort());
    expect(client.stats()).toMatchObject({
      recorded: total,
      accepted: total,
      dropped: 0,
      failed: 0,
      rejected: 0,
    });
    expect(client.stats().retries).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await client.shutdown();
  });
});
