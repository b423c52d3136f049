import type { LocalStack } from '../../../infra/local/twin';
import { api, startTestStack } from '../../support/stack';

const AT = '2026-11-20T12:00:00.000Z';

/** Realistic raw responses, priced by hand (per-million prices × tokens; nano-USD = tokens × $/M × 1000). */
const RAW = [
  {
    id: 'raw-openai',
    provider: 'openai',
    model: 'gpt-4o-mini',
    response: {
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
      usage: { prompt_tokens: 2000, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 } },
    },
    // 976 × $0.15 + 1024 × $0.075 + 300 × $0.60 (per M) = 146_400 + 76_800 + 180_000
    expected: { tokens: { input: 2000, cachedInput: 1024, output: 300 }, totalNanoUsd: 403_200 },
  },
  {
    id: 'raw-anthropic',
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    response: {
      type: 'message',
      model: 'claude-sonnet-4-20250514',
      content: [{ type: 'text', text: 'ok' }],
      usage: {
        input_tokens: 500,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 2000,
        output_tokens: 400,
      },
    },
    // 500 × $3 + 1000 × $3.75 (5 min write) + 2000 × $0.30 + 400 × $15 = 1_500_000 + 3_750_000 + 600_000 + 6_000_000
    expected: {
      tokens: { input: 3500, cachedInput: 2000, cacheWriteInput: 1000, output: 400 },
      totalNanoUsd: 11_850_000,
    },
  },
  {
    id: 'raw-gemini',
    provider: 'google',
    model: 'gemini-2.5-flash',
    response: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }],
      usageMetadata: {
        promptTokenCount: 1000,
        candidatesTokenCount: 200,
        thoughtsTokenCount: 300,
        totalTokenCount: 1500,
      },
    },
    // 1000 × $0.30 + (200 + 300 thinking) × $2.50 = 300_000 + 1_250_000
    expected: { tokens: { input: 1000, output: 500, reasoning: 300 }, totalNanoUsd: 1_550_000 },
  },
  {
    id: 'raw-bedrock',
    provider: 'bedrock',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    response: {
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 },
    },
    // 1000 × $0.25 + 200 × $1.25 = 250_000 + 250_000
    expected: { tokens: { input: 1000, output: 200 }, totalNanoUsd: 500_000 },
  },
];

describe('pricing through the pipeline', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('prices raw OpenAI, Anthropic, Gemini and Bedrock responses to the nano-dollar', async () => {
    const interactions = RAW.map(({ expected: _, ...interaction }) => ({ ...interaction, startedAt: AT }));
    expect(
      (await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: { interactions } })).status,
    ).toBe(202);
    await stack.drain();
    for (const { id, expected } of RAW) {
      const { body } = await api(stack, 'GET', `/v1/interactions/${id}`, { key: stack.apiKey });
      expect(body).toMatchObject({
        tokens: expected.tokens,
        cost: { priced: true, totalNanoUsd: expected.totalNanoUsd },
      });
    }
  });

  it('stores an unknown model unpriced (never $0 priced), then prices it when a project rule is added', async () => {
    const unknown = {
      id: 'unknown-1',
      provider: 'acme',
      model: 'acme-llm-7',
      startedAt: AT,
      usage: { inputTokens: 10_000, outputTokens: 1_000 },
    };
    await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: unknown });
    await stack.drain();
    expect((await api(stack, 'GET', '/v1/interactions/unknown-1')).body).toMatchObject({
      cost: { priced: false, unpricedReason: 'unknown_provider', totalNanoUsd: null, totalUsd: null },
    });

    const bad = await api(stack, 'PUT', '/admin/pricing', {
      body: { rules: [{ id: 'x', provider: 'acme' }] },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { issues: { path: string }[] }).issues.length).toBeGreaterThan(0);
    expect(
      (await api(stack, 'PUT', '/admin/pricing', { key: stack.apiKey, body: { rules: [] } })).status,
    ).toBe(403);

    const saved = await api(stack, 'PUT', '/admin/pricing', {
      body: {
        rules: [
          {
            id: 'acme/acme-llm-7',
            provider: 'acme',
            model: 'acme-llm-7',
            perMillion: { input: '0.50', output: '2.00' },
          },
        ],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ repriced: { changedCount: 1, newlyPricedCount: 1 } });
    // 10_000 × $0.50/M + 1_000 × $2.00/M = 5_000_000 + 2_000_000 nano-USD
    expect((await api(stack, 'GET', '/v1/interactions/unknown-1')).body).toMatchObject({
      cost: { priced: true, totalNanoUsd: 7_000_000, ruleId: 'acme/acme-llm-7' },
    });
  });

  it('reprices a day with the current rules, idempotently, and reports the change', async () => {
    const day = '2026-11-18';
    const interactions = [1, 2, 3].map((n) => ({
      id: `day-${n}`,
      provider: 'openai',
      model: 'gpt-4o',
      startedAt: `${day}T0${n}:00:00.000Z`,
      usage: { inputTokens: 1_000_000, outputTokens: 0 },
    }));
    await api(stack, 'POST', '/v1/interactions', { body: { interactions } });
    await stack.drain();
    // $2.50 each at list price
    expect((await api(stack, 'GET', '/v1/interactions/day-1')).body).toMatchObject({
      cost: { totalNanoUsd: 2_500_000_000 },
    });

    const overrides = await api(stack, 'GET', '/admin/pricing');
    const rules = [
      ...(overrides.body.overrides as unknown[]),
      {
        id: 'negotiated/gpt-4o',
        provider: 'openai',
        model: 'gpt-4o',
        perMillion: { input: '2.00', output: '8.00' },
      },
    ];
    expect((await api(stack, 'PUT', '/admin/pricing', { body: { rules } })).status).toBe(200);

    const first = (await stack.runJob('reprice', { date: day, model: 'gpt-4o' })) as Record<string, number>;
    expect(first).toMatchObject({ count: 3, changedCount: 3, deltaNanos: -3 * 500_000_000 });
    const again = (await stack.runJob('reprice', { date: day, model: 'gpt-4o' })) as Record<string, number>;
    expect(again).toMatchObject({ count: 3, changedCount: 0, deltaNanos: 0 });
    expect((await api(stack, 'GET', '/v1/interactions/day-2')).body).toMatchObject({
      cost: { totalNanoUsd: 2_000_000_000, ruleId: 'negotiated/gpt-4o' },
    });
  });
});
