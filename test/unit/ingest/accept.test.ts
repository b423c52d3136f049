import { acceptInteractions } from '../../../shared/domain/ingest/accept';

const now = new Date('2026-03-01T12:00:00Z');
const usage = { inputTokens: 10, outputTokens: 2 };

function accept(body: unknown) {
  return acceptInteractions(body, { project: 'default', now });
}

function issuesOf(body: unknown): { path: string; message: string }[] {
  return accept(body).results.flatMap((result) => ('issues' in result ? result.issues : []));
}

describe('acceptInteractions: what is accepted can be stored (issue 18)', () => {
  it.each([
    'gpt-5.4-mini',
    'claude-sonnet-4-5@20250929',
    'publishers/google/models/gemini-3-pro',
    'projects/p/locations/us-central1/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc',
    'ft:gpt-4o-mini-2024-07-18:org::abc123',
    'meta-llama/llama-4-scout:free',
    'accounts/fireworks/models/llama-v3p1-70b-instruct',
    'my_Deployment.prod-2',
    'GPT-4O',
  ])('keeps the real model id %s', (model) => {
    const batch = accept({ provider: 'openai', model, usage });
    expect(batch.results[0]!.status).toBe('accepted');
    expect(batch.envelopes[0]!.interaction.model).toBe(model);
  });

  it('trims surrounding spaces of a model id', () => {
    expect(accept({ provider: 'openai', model: '  gpt-4o \t', usage }).envelopes[0]!.interaction.model).toBe(
      'gpt-4o',
    );
  });

  it.each([
    ['model', { model: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD' }],
    ['model', { model: 'jane.doe@example.com' }],
    ['model', { model: 'gpt 4o with spaces' }],
    ['response.model', { model: undefined, response: { model: 'ada@example.com' } }],
    ['id', { id: 'jane.doe@example.com' }],
    ['sessionId', { sessionId: 'jane.doe@example.com' }],
    ['parentId', { parentId: 'AKIAIOSFODNN7EXAMPLE' }],
    ['traceId', { traceId: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }],
    ['traceId', { traceId: 'a b' }],
    ['provider', { provider: 'open ai' }],
  ])('refuses a secret or personal value in the verbatim field %s', (path, fields) => {
    const issues = issuesOf({ provider: 'openai', model: 'gpt-4o', usage, ...fields });
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(JSON.stringify(issues)).not.toMatch(/example\.com|sk-proj|AKIA|ghp_/);
  });

  it('keeps ordinary ids: UUIDs, hex trace ids, chat ids', () => {
    const batch = accept({
      provider: 'openai',
      model: 'gpt-4o',
      usage,
      id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      traceId: '5b8efff798038103d269b633813fc60c',
      sessionId: 'chatcmpl-9aBcD',
      parentId: 'eee19b7ec3c1b174',
    });
    expect(batch.results[0]!.status).toBe('accepted');
  });

  it.each([
    ['tags.\ud800', { tags: { '\ud800': 'x' } }],
    ['tags.team', { tags: { team: 'a\udfff' } }],
    ['userId', { userId: '\ud83d' }],
  ])('refuses lone surrogates where they would be stored as attributes (%s)', (path, fields) => {
    expect(issuesOf({ provider: 'openai', model: 'gpt-4o', usage, ...fields }).map((i) => i.path)).toContain(
      path,
    );
  });

  it('accepts tag keys named like Object.prototype members', () => {
    const batch = accept({
      provider: 'openai',
      model: 'gpt-4o',
      usage,
      tags: { constructor: 'a', toString: 'b', __proto__: 'c', hasOwnProperty: 'd' },
    });
    expect(batch.results[0]!.status).toBe('accepted');
  });

  it('queues both lifecycle events of one id sent in one request, and one copy of an exact repeat', () => {
    const started = { id: 'life-1', provider: 'openai', model: 'gpt-4o', phase: 'started' };
    const completed = { ...started, phase: 'completed', usage };
    const batch = accept({ interactions: [started, completed, completed] });
    expect(batch.results.map((result) => result.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(batch.envelopes.map((envelope) => envelope.interaction.phase)).toEqual(['started', 'completed']);
  });

  it.each([
    ['startedAt', { startedAt: '0000-01-01T00:00:00Z' }],
    ['endedAt', { endedAt: '9999-12-31T23:59:59Z' }],
    ['usage.cachedInputTokens', { usage: { inputTokens: 10, outputTokens: 1, cachedInputTokens: 11 } }],
    ['usage.reasoningTokens', { usage: { inputTokens: 10, outputTokens: 1, reasoningTokens: 2 } }],
    ['usage.inputTokens', { usage: { inputTokens: 1e10, outputTokens: 1 } }],
    ['usage.inputTokens', { usage: { inputTokens: 1.5, outputTokens: 1 } }],
    ['usage.outputTokens', { usage: { inputTokens: 1, outputTokens: -1 } }],
    ['usage.outputTokens', { usage: { inputTokens: 1, outputTokens: '2' } }],
    [
      'response',
      {
        usage: undefined,
        response: { model: 'gpt-4o', usage: { prompt_tokens: 1e10, completion_tokens: 1 } },
      },
    ],
    [
      'response',
      {
        usage: undefined,
        response: {
          model: 'gpt-4o',
          usage: { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 9 } },
        },
      },
    ],
  ])('refuses %s with its path', (path, fields) => {
    const issues = issuesOf({ provider: 'openai', model: 'gpt-4o', usage, ...fields });
    expect(issues.map((issue) => issue.path)).toContain(path);
  });
});
