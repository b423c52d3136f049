/**
 * Today's traffic through the local API: raw responses of current models, priced to the nano-dollar
 * against the prices on the vendors' pages (one source per row; "copy" marks a row checked against
 * a dated third-party copy quoting the vendor's page, where the vendor's own page was not available).
 * Amounts: tokens × USD per million × 1000 = nano-USD.
 *
 * Then the refresh path: a model no catalog knows is stored unpriced, a catalog layer is imported
 * through the admin API (what `tokentrail pricing import` sends), and the stored interaction is
 * priced without a restart; an Azure deployment name is priced through the project's model map.
 */
import type { LocalStack } from '../../../infra/local/twin';
import { api, startTestStack } from '../../support/stack';

const AT = '2026-11-20T12:00:00.000Z';
const OPENAI = 'https://developers.openai.com/api/docs/pricing (copy: tokenmix.ai, checked 2026-06-04)';
const CLAUDE = 'https://platform.claude.com/docs/en/about-claude/pricing';
const GEMINI = 'https://ai.google.dev/gemini-api/docs/pricing (copy: morphllm.com / aifreeapi.com, 2026)';
const BEDROCK =
  'https://aws.amazon.com/bedrock/pricing/ (copy: clauder-navi.com — Claude list price, regional +10%)';

const chat = (
  prompt: number,
  completion: number,
  details: { cached?: number; reasoning?: number } = {},
  extra: Record<string, unknown> = {},
) => ({
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: details.cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: details.reasoning ?? 0 },
  },
  ...extra,
});

const message = (
  usage: Record<string, unknown>, // Anthropic usage block
) => ({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage });

const gemini = (prompt: number, candidates: number, thoughts = 0, cached = 0) => ({
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }],
  usageMetadata: {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    thoughtsTokenCount: thoughts,
    cachedContentTokenCount: cached,
    totalTokenCount: prompt + candidates + thoughts,
  },
});

const converse = (input: number, output: number) => ({
  output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
});

interface Row {
  provider: string;
  model: string;
  response: unknown;
  at?: string;
  totalNanoUsd: number;
  source: string;
}

const ROWS: Row[] = [
  // OpenAI
  // 2000 × $5 + 8000 × $0.50 (cached) + 1000 × $30 (reasoning included)
  {
    provider: 'openai',
    model: 'gpt-5.5',
    response: chat(10_000, 1000, { cached: 8000, reasoning: 400 }),
    totalNanoUsd: 44_000_000,
    source: OPENAI,
  },
  // Priority tier: 10000 × $5 + 1000 × $30
  {
    provider: 'openai',
    model: 'gpt-5.4',
    response: chat(10_000, 1000, {}, { service_tier: 'priority' }),
    totalNanoUsd: 80_000_000,
    source: OPENAI,
  },
  // 1952 × $0.75 + 2048 × $0.075 + 500 × $4.50
  {
    provider: 'openai',
    model: 'gpt-5.4-mini',
    response: chat(4000, 500, { cached: 2048 }),
    totalNanoUsd: 3_867_600,
    source: OPENAI,
  },
  // Flex tier, 50% off: (10000 × $0.20 + 2000 × $1.25) / 2
  {
    provider: 'openai',
    model: 'gpt-5.4-nano',
    response: chat(10_000, 2000, {}, { service_tier: 'flex' }),
    totalNanoUsd: 2_250_000,
    source: OPENAI,
  },
  // Azure deployment name; the response names the model (Azure global standard = OpenAI list): 1000 × $2.50 + 100 × $15
  {
    provider: 'azure',
    model: 'prod-chat',
    response: chat(1000, 100, {}, { model: 'gpt-5.4-2026-03-05' }),
    totalNanoUsd: 4_000_000,
    source: OPENAI,
  },
  // Anthropic
  // 1000 × $5 + 2000 × $6.25 (5m write) + 10000 × $0.50 + 500 × $25
  {
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    response: message({
      input_tokens: 1000,
      cache_creation_input_tokens: 2000,
      cache_read_input_tokens: 10_000,
      output_tokens: 500,
    }),
    totalNanoUsd: 35_000_000,
    source: CLAUDE,
  },
  // 2000 × $5 + 1000 × $25
  {
    provider: 'anthropic',
    model: 'claude-opus-5',
    response: message({ input_tokens: 2000, output_tokens: 1000 }),
    totalNanoUsd: 35_000_000,
    source: CLAUDE,
  },
  // 1000 × $4 + 5000 × $0.20 (0.05× input) + 200 × $20
  {
    provider: 'anthropic',
    model: 'claude-opus-5-5',
    response: message({ input_tokens: 1000, cache_read_input_tokens: 5000, output_tokens: 200 }),
    totalNanoUsd: 9_000_000,
    source: `${CLAUDE} (Opus 5.5 row; models overview "$4 / $20")`,
  },
  // 1000 × $2 + 10000 × $0.10 (cache hits since 2026-10-07) + 1000 × $10
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    response: message({ input_tokens: 1000, cache_read_input_tokens: 10_000, output_tokens: 1000 }),
    totalNanoUsd: 13_000_000,
    source: `${CLAUDE} (copy: kurofune/claudit v1.9.2 release notes quoting the live page, 2026-10-24)`,
  },
  // 2000 × $0.10 + 1000 × $0.50 (prompt ≤ 100K)
  {
    provider: 'anthropic',
    model: 'claude-haiku-5-5',
    response: message({ input_tokens: 2000, output_tokens: 1000 }),
    totalNanoUsd: 700_000,
    source: CLAUDE,
  },
  // 1000 × $10 + 4000 × $0.25 (0.025× input) + 100 × $50
  {
    provider: 'anthropic',
    model: 'claude-fable-5-1',
    response: message({ input_tokens: 1000, cache_read_input_tokens: 4000, output_tokens: 100 }),
    totalNanoUsd: 16_000_000,
    source: CLAUDE,
  },
  // 100 × $3 + 1000 × $6 (1h write) + 100 × $15
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    response: message({
      input_tokens: 100,
      cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 },
      output_tokens: 100,
    }),
    totalNanoUsd: 7_800_000,
    source: CLAUDE,
  },
  // 1000 × $1 + 200 × $5 + 2 web searches × $10 / 1000
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5-20251001',
    response: message({
      input_tokens: 1000,
      output_tokens: 200,
      server_tool_use: { web_search_requests: 2 },
    }),
    totalNanoUsd: 22_000_000,
    source: `${CLAUDE} (web search: $10 per 1,000 searches)`,
  },
  // Google Gemini
  // 10000 × $1.50 + (500 + 1500 thinking) × $9
  {
    provider: 'google',
    model: 'gemini-3.5-flash',
    response: gemini(10_000, 500, 1500),
    totalNanoUsd: 33_000_000,
    source: GEMINI,
  },
  // 100000 × $2 + 1000 × $12 (≤ 200K)
  {
    provider: 'google',
    model: 'gemini-3.1-pro-preview',
    response: gemini(100_000, 1000),
    totalNanoUsd: 212_000_000,
    source: GEMINI,
  },
  // Whole request above 200K: 250000 × $4 + 1000 × $18
  {
    provider: 'google',
    model: 'gemini-3.1-pro-preview',
    response: gemini(250_000, 1000),
    totalNanoUsd: 1_018_000_000,
    source: GEMINI,
  },
  // 10000 × $0.50 + 10000 × $0.05 (cached) + 1000 × $3
  {
    provider: 'google',
    model: 'gemini-3-flash-preview',
    response: gemini(20_000, 1000, 0, 10_000),
    totalNanoUsd: 8_500_000,
    source:
      'https://ai.google.dev/gemini-api/docs/pricing (copy: factquire.com quoting the page, 2026-07-04)',
  },
  // 4000 × $0.25 + 1000 × $1.50
  {
    provider: 'google',
    model: 'gemini-3.1-flash-lite',
    response: gemini(4000, 1000),
    totalNanoUsd: 2_500_000,
    source: GEMINI,
  },
  // Vertex AI resource name: 1000 × $0.30 + 200 × $2.50
  {
    provider: 'vertex',
    model: 'projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    response: gemini(1000, 200),
    totalNanoUsd: 800_000,
    source: GEMINI,
  },
  // Claude on Vertex, regional endpoint: (1000 × $3 + 1000 × $15) × 1.1
  {
    provider: 'vertex',
    model: 'projects/acme/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    response: message({ input_tokens: 1000, output_tokens: 1000 }),
    totalNanoUsd: 19_800_000,
    source:
      'https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai (global vs regional endpoints; regional +10%)',
  },
  // Claude on Vertex by @date id, no region named: global price, 1000 × $3 + 1000 × $15
  {
    provider: 'vertex',
    model: 'claude-sonnet-4-5@20250929',
    response: message({ input_tokens: 1000, output_tokens: 1000 }),
    totalNanoUsd: 18_000_000,
    source: 'https://platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai',
  },
  // Amazon Bedrock
  // eu. profile: regional price (+10%): 1000 × $1.10 + 200 × $5.50
  {
    provider: 'bedrock',
    model: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    response: converse(1000, 200),
    totalNanoUsd: 2_200_000,
    source: BEDROCK,
  },
  // global. profile: 1000 × $1 + 200 × $5
  {
    provider: 'bedrock',
    model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    response: converse(1000, 200),
    totalNanoUsd: 2_000_000,
    source: BEDROCK,
  },
  // 2000 × $3 + 500 × $15
  {
    provider: 'bedrock',
    model: 'global.anthropic.claude-sonnet-4-6',
    response: converse(2000, 500),
    totalNanoUsd: 13_500_000,
    source: BEDROCK,
  },
  // us. profile ARN: 1000 × $5.50 + 100 × $27.50
  {
    provider: 'bedrock',
    model: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-7-v1:0',
    response: converse(1000, 100),
    totalNanoUsd: 8_250_000,
    source: BEDROCK,
  },
  // DeepSeek (hit + miss fields)
  // 8000 × $0.0028 + 2000 × $0.14 + 1000 × $0.28
  {
    provider: 'deepseek',
    model: 'deepseek-v4-flash',
    at: '2026-05-01T12:00:00.000Z',
    response: chat(10_000, 1000, {}, {}),
    totalNanoUsd: 582_400,
    source: 'https://api-docs.deepseek.com/quick_start/pricing (copy: tokenmix.ai, checked 2026-04-30)',
  },
  // 10000 × $0.003625 + 1000 × $0.435 + 1000 × $0.87
  {
    provider: 'deepseek',
    model: 'deepseek-v4-pro',
    at: '2026-05-15T12:00:00.000Z',
    response: chat(11_000, 1000),
    totalNanoUsd: 1_341_250,
    source: 'https://api-docs.deepseek.com/quick_start/pricing (copy: devtk.ai / tokenmix.ai, 2026)',
  },
  // xAI: reasoning outside completion_tokens. 500 × $1.25 + 500 × $0.20 + (100 + 400) × $2.50
  {
    provider: 'xai',
    model: 'grok-4.3',
    response: {
      object: 'chat.completion',
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 500 },
        completion_tokens_details: { reasoning_tokens: 400 },
      },
    },
    totalNanoUsd: 1_975_000,
    source: 'https://docs.x.ai/docs/models (Grok 4.3 page)',
  },
  // Groq: 1000 × $0.15 + 1000 × $0.075 (cache hit) + 500 × $0.60
  {
    provider: 'groq',
    model: 'openai/gpt-oss-120b',
    response: chat(2000, 500, { cached: 1000 }),
    totalNanoUsd: 525_000,
    source: 'https://groq.com/pricing (copy: tokenmix.ai, checked 2026-06-04)',
  },
  // 1000 × $0.59 + 1000 × $0.79
  {
    provider: 'groq',
    model: 'llama-3.3-70b-versatile',
    response: chat(1000, 1000),
    totalNanoUsd: 1_380_000,
    source: 'https://groq.com/pricing (copy: theneuralbase.com, April 2026)',
  },
  // Mistral: 1000 × $1.50 + 1000 × $7.50
  {
    provider: 'mistral',
    model: 'mistral-medium-3.5',
    response: chat(1000, 1000),
    totalNanoUsd: 9_000_000,
    source: 'https://mistral.ai/pricing (copy: developer.puter.com, June 2026)',
  },
];

// DeepSeek reports its cache split in its own fields.
Object.assign((ROWS.find((row) => row.model === 'deepseek-v4-flash')!.response as { usage: object }).usage, {
  prompt_cache_hit_tokens: 8000,
  prompt_cache_miss_tokens: 2000,
  prompt_tokens_details: undefined,
});
Object.assign((ROWS.find((row) => row.model === 'deepseek-v4-pro')!.response as { usage: object }).usage, {
  prompt_cache_hit_tokens: 10_000,
  prompt_cache_miss_tokens: 1000,
  prompt_tokens_details: undefined,
});

describe('current models priced to the nano-dollar through the local API', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it(`prices ${ROWS.length} raw responses of current models at the vendors' prices`, async () => {
    expect(new Set(ROWS.map((row) => row.model)).size).toBeGreaterThanOrEqual(30);
    const interactions = ROWS.map((row, i) => ({
      id: `current-${i}`,
      provider: row.provider,
      model: row.model,
      response: row.response,
      startedAt: row.at ?? AT,
    }));
    const posted = await api(stack, 'POST', '/v1/interactions', {
      key: stack.apiKey,
      body: { interactions },
    });
    expect(posted.status).toBe(202);
    await stack.drain();
    const priced = [];
    for (const [i, row] of ROWS.entries()) {
      const { body } = await api(stack, 'GET', `/v1/interactions/current-${i}`, { key: stack.apiKey });
      const cost = (body as { cost: { totalNanoUsd: number | null; ruleId: string | null } }).cost;
      priced.push({ model: row.model, totalNanoUsd: cost.totalNanoUsd });
    }
    expect(priced).toEqual(ROWS.map((row) => ({ model: row.model, totalNanoUsd: row.totalNanoUsd })));
  });

  it('prices a stored unpriced model after a catalog import, without a restart', async () => {
    const unknown = {
      id: 'future-1',
      provider: 'openai',
      model: 'gpt-7-preview',
      startedAt: AT,
      response: chat(1000, 100),
    };
    await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: unknown });
    await stack.drain();
    expect((await api(stack, 'GET', '/v1/interactions/future-1')).body).toMatchObject({
      cost: { priced: false, unpricedReason: 'unknown_model', totalUsd: null, totalNanoUsd: null },
    });
    const imported = await api(stack, 'PUT', '/admin/catalog', {
      body: {
        label: 'gpt-7 launch day',
        rules: [
          {
            id: 'openai/gpt-7-preview',
            provider: 'openai',
            model: 'gpt-7-preview*',
            source: 'https://developers.openai.com/api/docs/pricing',
            perMillion: { input: '10', output: '40' },
          },
        ],
      },
    });
    expect(imported).toMatchObject({
      status: 200,
      body: {
        layer: { version: 1, ruleCount: 1, label: 'gpt-7 launch day' },
        repriced: { newlyPricedCount: 1 },
      },
    });
    // 1000 × $10 + 100 × $40
    expect((await api(stack, 'GET', '/v1/interactions/future-1')).body).toMatchObject({
      cost: { priced: true, ruleId: 'openai/gpt-7-preview', totalNanoUsd: 14_000_000 },
    });
    expect((await api(stack, 'GET', '/admin/catalog')).body).toMatchObject({ layer: { version: 1 } });
    const invalid = await api(stack, 'PUT', '/admin/catalog', {
      body: { rules: [{ id: 'x', provider: 'openai' }] },
    });
    expect(invalid.status).toBe(400);
  });

  it('prices an Azure deployment the response does not name through the project model map', async () => {
    const deployment = {
      id: 'azure-map-1',
      provider: 'azure',
      model: 'team-a-chat',
      startedAt: AT,
      response: { usage: chat(1000, 100).usage },
    };
    await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: deployment });
    await stack.drain();
    expect((await api(stack, 'GET', '/v1/interactions/azure-map-1')).body).toMatchObject({
      cost: { priced: false },
    });
    const saved = await api(stack, 'PUT', '/admin/model-map', {
      body: { modelMap: { 'team-a-chat': 'gpt-5.4-mini' } },
    });
    expect(saved).toMatchObject({ status: 200, body: { repriced: { newlyPricedCount: 1 } } });
    // 1000 × $0.75 + 100 × $4.50
    expect((await api(stack, 'GET', '/v1/interactions/azure-map-1')).body).toMatchObject({
      cost: { priced: true, ruleId: 'openai/gpt-5.4-mini', totalNanoUsd: 1_200_000 },
    });
  });
});
