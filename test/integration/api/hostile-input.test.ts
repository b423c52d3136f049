/**
 * Issue 18: what a hostile client or odd but valid input finds, one describe per class. Each
 * answer is a 2xx or a 4xx naming what was wrong; what is answered 202 is then readable.
 */
import { gzipSync } from 'node:zlib';
import type { LocalStack } from '../../../infra/local/twin';
import {
  KEY_CACHE_MAX_ENTRIES,
  principalCacheSize,
  saveApiKey,
} from '../../../shared/adapters/aws/api-key-store';
import { generateApiKey } from '../../../shared/domain/auth/api-keys';
import { api, openAiChat, startTestStack } from '../../support/stack';

type ErrorBody = { error: { code: string; issues: { path: string; message: string }[] } };
const pathsOf = (body: unknown) => (body as ErrorBody).error.issues.map((issue) => issue.path);

/** JSON text nested `depth` objects deep (built as text: JSON.stringify itself overflows the stack). */
function nested(depth: number, open = '{"a":', close = '}', leaf = '"leaf"'): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** `value` with the string `"__DEEP__"` replaced by the given JSON text. */
const withDeep = (value: unknown, deep: string) => JSON.stringify(value).replace('"__DEEP__"', deep);

async function raw(
  stack: LocalStack,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

describe('hostile and odd input (issue 18)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function storedOk(id: string) {
    await stack.drain();
    const answer = await api(stack, 'GET', `/v1/interactions/${encodeURIComponent(id)}`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  describe('1. a list always answers, with bounded work', () => {
    it.each([
      ['from=9999-12-30T00:00:00Z&to=9999-12-31T00:00:00Z', ['from', 'to']],
      ['from=0000-01-01T00:00:00Z', ['from']],
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', ['to']],
      ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', ['to']],
      ['limit=0x10', ['limit']],
      ['limit=1e2', ['limit']],
      ['limit=0', ['limit']],
    ])('answers 400 naming the parameter for %s', async (query, paths) => {
      const answer = await api(stack, 'GET', `/v1/interactions?${query}`);
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body).sort()).toEqual(paths);
    });

    it('reads a long range a month of days per page, following nextCursor across empty months', async () => {
      const days = ['2025-01-03', '2025-03-20', '2025-06-30'];
      const ids = days.map((day) => `range-${day}`);
      const answer = await api(stack, 'POST', '/v1/interactions', {
        body: {
          interactions: days.map((day, i) => openAiChat({ id: ids[i], startedAt: `${day}T10:00:00Z` })),
        },
      });
      expect(answer.status).toBe(202);
      await stack.drain();
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await api<{ interactions: { id: string }[]; nextCursor: string | null }>(
          stack,
          'GET',
          `/v1/interactions?from=2025-01-01T00:00:00Z&to=2025-07-01T00:00:00Z${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.interactions.map((item) => item.id));
        cursor = page.body.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toEqual(ids);
      // 181 days at most 31 per page.
      expect(pages).toBe(6);
    });
  });

  describe('2. what is answered 202 is stored', () => {
    it('stores tag keys named like Object.prototype members', async () => {
      const id = 'proto-tags';
      const tags = { constructor: 'a', toString: 'b', hasOwnProperty: 'c', valueOf: 'd' };
      expect((await api(stack, 'POST', '/v1/interactions', { body: openAiChat({ id, tags }) })).status).toBe(
        202,
      );
      expect(await storedOk(id)).toMatchObject({ tags });
    });

    it('refuses a lone surrogate in a tag key at ingest, with its path', async () => {
      const answer = await raw(stack, 'POST', '/v1/interactions', {
        headers: { 'content-type': 'application/json' },
        body: `{"provider":"openai","model":"gpt-4o","usage":{"inputTokens":1,"outputTokens":1},"tags":{"\\ud800":"x"}}`,
      });
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body)).toEqual(['tags.\ud800']);
    });

    it('applies both lifecycle events of one id sent in one request', async () => {
      const id = 'life-in-one-request';
      const answer = await api<{ results: { status: string }[] }>(stack, 'POST', '/v1/interactions', {
        body: {
          interactions: [
            { id, provider: 'openai', model: 'gpt-4o', phase: 'started', startedAt: '2026-02-01T10:00:00Z' },
            openAiChat({ id, phase: 'completed', endedAt: '2026-02-01T10:00:02Z' }),
          ],
        },
      });
      expect(answer.body.results.map((result) => result.status)).toEqual(['accepted', 'accepted']);
      expect(await storedOk(id)).toMatchObject({ status: 'success', latencyMs: 2000 });
    });
  });

  describe('3. every valid JSON string travels through the queue', () => {
    it('stores emoji, U+FFFE, U+FFFF and lone surrogates in payload text', async () => {
      const id = 'odd-characters';
      const body = JSON.stringify(openAiChat({ id }, 'smile 😀 \uFFFE \uFFFF lone \ud800 end'));
      const answer = await raw(stack, 'POST', '/v1/interactions', {
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(202);
      const stored = (await storedOk(id)) as { request: { messages: { content: string }[] } };
      const content = stored.request.messages[0]!.content;
      expect(content).toContain('😀 \uFFFE \uFFFF lone');
    });
  });

  describe('4. limits answer 400, never 500', () => {
    it.each(['request', 'response', 'metadata'])('refuses JSON nested 10,000 deep in %s', async (field) => {
      const interaction = openAiChat({
        [field]: '__DEEP__',
        ...(field === 'response' ? { usage: { inputTokens: 1, outputTokens: 1 } } : {}),
      });
      const answer = await api(stack, 'POST', '/v1/interactions', {
        rawBody: withDeep(interaction, nested(10_000)),
      });
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body)[0]).toMatch(new RegExp(`^${field}\\.a\\.a`));
    });

    it('refuses OTLP attribute values nested 10,000 deep, and a 23-digit time, without a 500', async () => {
      const value = nested(
        10_000,
        '{"kvlistValue":{"values":[{"key":"k","value":',
        '}]}}',
        '{"stringValue":"x"}',
      );
      const span = (extra: Record<string, unknown>) => ({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: 'eee19b7ec3c1b174',
                    name: 'chat gpt-4o',
                    startTimeUnixNano: '1740830400000000000',
                    endTimeUnixNano: '1740830401000000000',
                    attributes: [
                      { key: 'gen_ai.system', value: { stringValue: 'openai' } },
                      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                      { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
                      { key: 'gen_ai.usage.output_tokens', value: { intValue: '2' } },
                    ],
                    ...extra,
                  },
                ],
              },
            ],
          },
        ],
      });
      const deep = await api(stack, 'POST', '/v1/traces', {
        rawBody: withDeep(span({ attributes: [{ key: 'deep', value: '__DEEP__' }] }), value),
      });
      expect(deep.status).toBe(400);
      const late = await api(stack, 'POST', '/v1/traces', {
        body: span({ startTimeUnixNano: '12345678901234567890123' }),
      });
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({ partialSuccess: { rejectedSpans: 1 } });
    });

    it.each([
      ['bad percent-encoding', '/v1/interactions/%E0%A4%A'],
      ['a double-encoded id', '/v1/interactions/abc%2525def'],
      ['a 10,000-character id', `/v1/interactions/${'a'.repeat(10_000)}`],
    ])('answers 400 naming id for %s', async (_, path) => {
      const answer = await api(stack, 'GET', path);
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body)).toEqual(['id']);
    });
  });

  describe('6. keys', () => {
    it('keeps the key cache bounded under a flood of bogus keys', async () => {
      const flood = Array.from(
        { length: KEY_CACHE_MAX_ENTRIES + 200 },
        (_, i) => `tt_bogus_${i}_${'x'.repeat(20)}`,
      );
      for (let i = 0; i < flood.length; i += 50) {
        const answers = await Promise.all(
          flood.slice(i, i + 50).map((key) => api(stack, 'GET', '/v1/interactions', { key })),
        );
        expect(answers.every((answer) => answer.status === 401)).toBe(true);
      }
      expect(principalCacheSize()).toBeLessThanOrEqual(KEY_CACHE_MAX_ENTRIES);
      // Real keys still work after the flood.
      expect((await api(stack, 'GET', '/v1/interactions', { key: stack.apiKey })).status).toBe(200);
    });
  });

  describe('9. validation gaps', () => {
    it.each([
      ['startedAt', { startedAt: '0000-01-01T00:00:00Z' }],
      ['endedAt', { endedAt: '9999-12-31T00:00:00Z' }],
      ['usage.cachedInputTokens', { usage: { inputTokens: 5, outputTokens: 1, cachedInputTokens: 9 } }],
      ['usage.inputTokens', { usage: { inputTokens: 1e10, outputTokens: 1 } }],
      ['usage.inputTokens', { usage: { inputTokens: 1.5, outputTokens: 1 } }],
      ['usage.inputTokens', { usage: { inputTokens: '12', outputTokens: 1 } }],
    ])('answers 400 naming %s', async (path, fields) => {
      const answer = await api(stack, 'POST', '/v1/interactions', {
        body: {
          provider: 'openai',
          model: 'gpt-4o',
          ...fields,
          ...('usage' in fields ? {} : { usage: { inputTokens: 1, outputTokens: 1 } }),
        },
      });
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body)).toContain(path);
    });

    it('refuses a body announced as something other than JSON with 415', async () => {
      const answer = await raw(stack, 'POST', '/v1/interactions', {
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(openAiChat()),
      });
      expect(answer.status).toBe(415);
      expect(pathsOf(answer.body)).toEqual(['content-type']);
    });

    it('accepts Content-Encoding in any case', async () => {
      const answer = await raw(stack, 'POST', '/v1/interactions', {
        headers: { 'content-type': 'application/json', 'content-encoding': 'GZIP' },
        body: gzipSync(JSON.stringify(openAiChat({ id: 'gzip-upper' }))),
      });
      expect(answer.status).toBe(202);
      await storedOk('gzip-upper');
    });

    it('refuses a redaction allowlist that turns redaction off', async () => {
      const answer = await api(stack, 'PUT', '/admin/redaction', {
        body: { allowlist: { patterns: ['.*'] } },
      });
      expect(answer.status).toBe(400);
      expect(pathsOf(answer.body)).toEqual(['allowlist.patterns.0']);
    });
  });

  describe('10. scopes', () => {
    it('runs local jobs only with an admin key', async () => {
      const readKey = generateApiKey({ project: stack.project, scopes: ['read'], name: 'read only' });
      await saveApiKey(readKey.record);
      const call = (key?: string) =>
        fetch(`${stack.url}/_local/jobs/sweep`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: '{}',
        });
      expect((await call()).status).toBe(401);
      expect((await call(readKey.key)).status).toBe(403);
      expect((await call(stack.apiKey)).status).toBe(403);
      expect((await call(stack.adminKey)).status).toBe(200);
    });
  });
});
