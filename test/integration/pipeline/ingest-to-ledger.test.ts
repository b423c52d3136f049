import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { LocalStack } from '../../../infra/local/twin';
import { api, openAiChat, startTestStack } from '../../support/stack';

describe('HTTPS ingest → SQS → process → DynamoDB/S3', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('stores a 100 KB OpenAI chat with an email redacted, priced, offloaded to S3, exactly once', async () => {
    const content = `Please write to jane.doe@example.com about the invoice. ${'lorem ipsum dolor sit amet '.repeat(4000)}`;
    const interaction = openAiChat({ id: 'big-1', sessionId: 'session-big' }, content);

    const first = await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: interaction });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      ids: ['big-1'],
      accepted: 1,
      results: [{ index: 0, id: 'big-1', status: 'accepted' }],
    });
    await stack.drain();

    const stored = await api(stack, 'GET', '/v1/interactions/big-1', { key: stack.apiKey });
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).not.toContain('jane.doe@example.com');
    expect(stored.body).toMatchObject({
      id: 'big-1',
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      payloadStore: 's3',
      redactions: { EMAIL: 1 },
      tokens: { input: 1200, output: 80, cachedInput: 200 },
      // 1000 × $2.50/M + 200 × $1.25/M + 80 × $10/M = $0.0025 + $0.00025 + $0.0008
      cost: { priced: true, currency: 'USD', totalUsd: 0.00355, totalNanoUsd: 3_550_000 },
    });
    const request = stored.body.request as { messages: { content: string }[] };
    expect(request.messages[0]!.content).toContain('[REDACTED:EMAIL]');
    expect(request.messages[0]!.content.length).toBeGreaterThan(100_000);

    const again = await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: interaction });
    expect(again.status).toBe(202);
    await stack.drain();
    const session = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      '/v1/interactions?sessionId=session-big',
      {
        key: stack.apiKey,
      },
    );
    expect(session.status).toBe(200);
    expect(session.body.interactions.map((item) => item.id)).toEqual(['big-1']);
  });

  it('keeps small payloads inline and lists a session in time order with cursor pagination', async () => {
    const base = Date.parse('2026-11-20T10:00:00Z');
    const interactions = Array.from({ length: 5 }, (_, i) =>
      openAiChat({
        id: `s-${i}`,
        sessionId: 'session-pages',
        startedAt: new Date(base + i * 1000).toISOString(),
        endedAt: new Date(base + i * 1000 + 250).toISOString(),
      }),
    );
    const posted = await api(stack, 'POST', '/v1/interactions', {
      key: stack.apiKey,
      body: { interactions },
    });
    expect(posted.status).toBe(202);
    await stack.drain();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/interactions?sessionId=session-pages&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api<{
        interactions: { id: string; latencyMs: number; payloadStore: string }[];
        nextCursor: string | null;
      }>(stack, 'GET', query, { key: stack.apiKey });
      expect(page.status).toBe(200);
      for (const item of page.body.interactions) {
        expect(item.latencyMs).toBe(250);
        expect(item.payloadStore).toBe('inline');
      }
      seen.push(...page.body.interactions.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4']);

    const byTime = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      '/v1/interactions?from=2026-11-20T10:00:01Z&to=2026-11-20T10:00:03Z',
      { key: stack.apiKey },
    );
    expect(byTime.body.interactions.map((item) => item.id)).toEqual(['s-1', 's-2']);
  });

  it('sends a message over the queue limit through a claim-check object that is deleted after processing', async () => {
    const huge = 'the quick brown fox jumps over the lazy dog '.repeat(7500);
    const posted = await api(stack, 'POST', '/v1/interactions', {
      key: stack.apiKey,
      body: openAiChat(
        { id: 'claim-1', metadata: { note: 'call +1 415 555 0100 or mail ops@example.org' } },
        huge,
      ),
    });
    expect(posted.status).toBe(202);
    await stack.drain();

    const stored = await api(stack, 'GET', '/v1/interactions/claim-1', { key: stack.apiKey });
    expect(stored.status).toBe(200);
    expect(stored.body.payloadStore).toBe('s3');
    expect(JSON.stringify(stored.body)).not.toContain('ops@example.org');

    const s3 = new S3Client({ forcePathStyle: true });
    const staging = await s3.send(
      new ListObjectsV2Command({ Bucket: stack.resources.names.payloadBucket, Prefix: 'staging/' }),
    );
    s3.destroy();
    expect(staging.KeyCount ?? 0).toBe(0);
  });

  it('answers 404 for an interaction of another project or an unknown id', async () => {
    const missing = await api(stack, 'GET', '/v1/interactions/nope', { key: stack.apiKey });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'not_found' } });
  });
});
