import type { LocalStack } from '../../../infra/local/twin';
import { revokeApiKey, saveApiKey } from '../../../shared/adapters/aws/api-key-store';
import { generateApiKey } from '../../../shared/domain/auth/api-keys';
import { api, openAiChat, startTestStack } from '../../support/stack';

describe('HTTP API: authentication and validation', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  describe('authentication', () => {
    it('answers /health without a key', async () => {
      expect(await api(stack, 'GET', '/health', { key: null })).toMatchObject({
        status: 200,
        body: { ok: true },
      });
    });

    it.each([
      ['no Authorization header', null],
      ['an unknown key', 'tt_000000000000_unknownunknownunknownunknown'],
      ['a malformed header value', ''],
    ])('answers 401 with %s', async (_, key) => {
      const answer = await api(stack, 'POST', '/v1/interactions', { key, body: openAiChat() });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('answers 401 for a revoked key', async () => {
      const { key, record } = generateApiKey({ project: 'default', scopes: ['ingest'], name: 'to revoke' });
      await saveApiKey(record);
      expect(await revokeApiKey(record.keyId)).toBe(true);
      const answer = await api(stack, 'POST', '/v1/interactions', { key, body: openAiChat() });
      expect(answer.status).toBe(401);
    });

    it('answers 403 when the key lacks the scope', async () => {
      const { key, record } = generateApiKey({ project: 'default', scopes: ['read'], name: 'read only' });
      await saveApiKey(record);
      const answer = await api(stack, 'POST', '/v1/interactions', { key, body: openAiChat() });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'forbidden' } });
    });

    it('keeps projects apart: a key of another project cannot read an interaction', async () => {
      await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: openAiChat({ id: 'mine-1' }) });
      await stack.drain();
      const { key, record } = generateApiKey({ project: 'other', scopes: ['read'], name: 'other project' });
      await saveApiKey(record);
      expect((await api(stack, 'GET', '/v1/interactions/mine-1', { key })).status).toBe(404);
      expect((await api(stack, 'GET', '/v1/interactions/mine-1', { key: stack.apiKey })).status).toBe(200);
    });
  });

  describe('validation', () => {
    it('answers 400 with the path of each problem in one interaction', async () => {
      const answer = await api(stack, 'POST', '/v1/interactions', {
        body: { provider: 'openai', usage: { inputTokens: -1, outputTokens: 'two' }, phase: 'done' },
      });
      expect(answer.status).toBe(400);
      const paths = (answer.body.error as { issues: { path: string }[] }).issues
        .map((issue) => issue.path)
        .sort();
      expect(paths).toEqual(['model', 'phase', 'usage.inputTokens', 'usage.outputTokens']);
    });

    it('accepts the valid items of a batch and rejects the others with their paths', async () => {
      const answer = await api<{ results: { index: number; status: string; issues?: { path: string }[] }[] }>(
        stack,
        'POST',
        '/v1/interactions',
        {
          body: {
            interactions: [openAiChat({ id: 'ok-0' }), { provider: 'openai' }, openAiChat({ id: 'ok-2' })],
          },
        },
      );
      expect(answer.status).toBe(202);
      expect(answer.body.results.map((result) => result.status)).toEqual([
        'accepted',
        'rejected',
        'accepted',
      ]);
      expect(answer.body.results[1]!.issues!.map((issue) => issue.path)).toEqual(['interactions.1.model']);
    });

    it.each([
      ['invalid JSON', '{"provider": ', ''],
      ['an empty batch', JSON.stringify({ interactions: [] }), 'interactions'],
      [
        'more than 100 interactions',
        JSON.stringify({ interactions: Array.from({ length: 101 }, () => openAiChat()) }),
        'interactions',
      ],
      ['an unknown top-level key', JSON.stringify({ ...openAiChat(), colour: 'blue' }), ''],
    ])('answers 400 for %s', async (_, rawBody, path) => {
      const answer = await api(stack, 'POST', '/v1/interactions', { rawBody });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'invalid_request' } });
      if (path) expect((answer.body.error as { issues: { path: string }[] }).issues[0]!.path).toBe(path);
    });

    it('answers 413 for a body over the limit', async () => {
      const answer = await api(stack, 'POST', '/v1/interactions', {
        body: openAiChat({}, 'a'.repeat(6 * 1024 * 1024)),
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it('answers 400 with the parameter path for a bad list query', async () => {
      const answer = await api(stack, 'GET', '/v1/interactions?limit=1000&from=yesterday');
      expect(answer.status).toBe(400);
      const paths = (answer.body.error as { issues: { path: string }[] }).issues
        .map((issue) => issue.path)
        .sort();
      expect(paths).toEqual(['from', 'limit']);
    });

    it('answers 400 on the cursor for a cursor no list handed out', async () => {
      const forged = Buffer.from(JSON.stringify({ after: 'anything' })).toString('base64url');
      for (const cursor of ['not-a-cursor', forged]) {
        const answer = await api(stack, 'GET', `/v1/interactions?cursor=${cursor}`);
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: { issues: [{ path: 'cursor' }] } });
      }
    });

    it('never echoes payload text in error messages', async () => {
      const answer = await api(stack, 'POST', '/v1/interactions', {
        body: { provider: 'openai', model: 'gpt-4o', phase: 'secret-sk-proj-abcdefghijklmnopqrstuv' },
      });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).not.toContain('sk-proj-abcdefghijklmnopqrstuv');
    });
  });
});
