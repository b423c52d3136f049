import fc from 'fast-check';
import { type NormalizedUsage, normalizeUsage } from '../../../shared/domain/normalize';
import { type CostBreakdown, costNanos, type PricingRule, priceUsage } from '../../../shared/domain/pricing';
import * as raw from '../normalize/fixtures';

/**
 * Expected costs are computed by hand: a price of $P per million tokens is P × 1000 nano-USD per
 * token, so e.g. 86 tokens at $2/M = 86 × 2,000 = 172,000 nano-USD.
 */
function price(
  provider: string,
  model: string,
  response: unknown,
  at: string,
  extra: { batch?: boolean; request?: unknown } = {},
) {
  const usage = normalizeUsage({ provider, response, request: extra.request });
  return priceUsage({ provider, model, usage, at, batch: extra.batch });
}

function amounts(cost: CostBreakdown) {
  const { inputNanos, cachedInputNanos, cacheWriteNanos, outputNanos, reasoningNanos, totalNanos } = cost;
  return { inputNanos, cachedInputNanos, cacheWriteNanos, outputNanos, reasoningNanos, totalNanos };
}

const usageOf = (
  inputTokens: number,
  outputTokens: number,
  extra: Partial<NormalizedUsage> = {},
): NormalizedUsage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  ...extra,
});

describe('priceUsage: realistic responses priced to the nano-dollar', () => {
  const cases: [string, () => CostBreakdown, ReturnType<typeof amounts>, Partial<CostBreakdown>][] = [
    [
      'o3 chat completion with cached input and reasoning, after the 2025-06-10 price cut ($2 / $0.50 / $8)',
      () => price('openai', 'o3-2025-04-16', raw.openAiChatCachedReasoning, '2025-07-01T12:00:00Z'),
      // uncached 2006−1920=86 × 2,000 = 172,000; cached 1,920 × 500 = 960,000;
      // visible output 300−192=108 × 8,000 = 864,000; reasoning 192 × 8,000 = 1,536,000
      {
        inputNanos: 172_000,
        cachedInputNanos: 960_000,
        cacheWriteNanos: 0,
        outputNanos: 864_000,
        reasoningNanos: 1_536_000,
        totalNanos: 3_532_000,
      },
      { ruleId: 'openai/o3@2025-06-10', ruleVersion: 1 },
    ],
    [
      'the same o3 call before the price cut ($10 / $2.50 / $40)',
      () => price('openai', 'o3-2025-04-16', raw.openAiChatCachedReasoning, '2025-05-01T12:00:00Z'),
      // 86 × 10,000 = 860,000; 1,920 × 2,500 = 4,800,000; 108 × 40,000 = 4,320,000; 192 × 40,000 = 7,680,000
      {
        inputNanos: 860_000,
        cachedInputNanos: 4_800_000,
        cacheWriteNanos: 0,
        outputNanos: 4_320_000,
        reasoningNanos: 7_680_000,
        totalNanos: 17_660_000,
      },
      { ruleId: 'openai/o3' },
    ],
    [
      'an old snapshot keeps its old price: gpt-4o-2024-05-13 in 2025 ($5 / $15)',
      () =>
        priceUsage({
          provider: 'openai',
          model: 'gpt-4o-2024-05-13',
          usage: usageOf(1000, 500),
          at: '2025-03-01T00:00:00Z',
        }),
      // 1,000 × 5,000 = 5,000,000; 500 × 15,000 = 7,500,000
      {
        inputNanos: 5_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 7_500_000,
        reasoningNanos: 0,
        totalNanos: 12_500_000,
      },
      { ruleId: 'openai/gpt-4o-2024-05-13' },
    ],
    [
      'the gpt-4o alias before it moved to 2024-08-06 ($5 / $15)',
      () =>
        priceUsage({
          provider: 'openai',
          model: 'gpt-4o',
          usage: usageOf(1000, 500),
          at: '2024-07-01T00:00:00Z',
        }),
      {
        inputNanos: 5_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 7_500_000,
        reasoningNanos: 0,
        totalNanos: 12_500_000,
      },
      { ruleId: 'openai/gpt-4o' },
    ],
    [
      'the gpt-4o alias after 2024-10-02 ($2.50 / $10)',
      () =>
        priceUsage({
          provider: 'openai',
          model: 'gpt-4o',
          usage: usageOf(1000, 500),
          at: '2024-11-01T00:00:00Z',
        }),
      // 1,000 × 2,500 = 2,500,000; 500 × 10,000 = 5,000,000
      {
        inputNanos: 2_500_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 5_000_000,
        reasoningNanos: 0,
        totalNanos: 7_500_000,
      },
      { ruleId: 'openai/gpt-4o@2024-10-02' },
    ],
    [
      'GPT-5 Responses API with cached input and reasoning ($1.25 / $0.125 / $10)',
      () => price('openai', 'gpt-5-2025-08-07', raw.openAiResponses, '2025-09-01T00:00:00Z'),
      // 5000−4096=904 × 1,250 = 1,130,000; 4,096 × 125 = 512,000; 900−640=260 × 10,000 = 2,600,000; 640 × 10,000 = 6,400,000
      {
        inputNanos: 1_130_000,
        cachedInputNanos: 512_000,
        cacheWriteNanos: 0,
        outputNanos: 2_600_000,
        reasoningNanos: 6_400_000,
        totalNanos: 10_642_000,
      },
      { ruleId: 'openai/gpt-5' },
    ],
    [
      'GPT-5 through the Batch API: 50% off every part',
      () => price('openai', 'gpt-5', raw.openAiResponses, '2025-09-01T00:00:00Z', { batch: true }),
      // 1,130,000/2 = 565,000; 512,000/2 = 256,000; 2,600,000/2 = 1,300,000; 6,400,000/2 = 3,200,000
      {
        inputNanos: 565_000,
        cachedInputNanos: 256_000,
        cacheWriteNanos: 0,
        outputNanos: 1_300_000,
        reasoningNanos: 3_200_000,
        totalNanos: 5_321_000,
      },
      { batch: true },
    ],
    [
      'gpt-4o audio preview: audio tokens at $40 in / $80 out, text at $2.50 / $10',
      () => price('openai', 'gpt-4o-audio-preview-2025-06-03', raw.openAiChatAudio, '2025-07-01T00:00:00Z'),
      // input 500 × 2,500 + 1,000 × 40,000 = 41,250,000; output 200 × 10,000 + 600 × 80,000 = 50,000,000
      {
        inputNanos: 41_250_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 50_000_000,
        reasoningNanos: 0,
        totalNanos: 91_250_000,
      },
      {},
    ],
    [
      'Azure OpenAI falls back to OpenAI list prices (gpt-4o-2024-11-20, cached)',
      () => price('azure-openai', 'gpt-4o-2024-11-20', raw.azureChat, '2025-02-01T00:00:00Z'),
      // 3200−2048=1,152 × 2,500 = 2,880,000; 2,048 × 1,250 = 2,560,000; 150 × 10,000 = 1,500,000
      {
        inputNanos: 2_880_000,
        cachedInputNanos: 2_560_000,
        cacheWriteNanos: 0,
        outputNanos: 1_500_000,
        reasoningNanos: 0,
        totalNanos: 6_940_000,
      },
      { ruleId: 'openai/gpt-4o@2024-10-02' },
    ],
    [
      'embeddings: input only ($0.02)',
      () => price('openai', 'text-embedding-3-small', raw.openAiEmbeddings, '2025-02-01T00:00:00Z'),
      // 8 × 20 = 160
      {
        inputNanos: 160,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 0,
        reasoningNanos: 0,
        totalNanos: 160,
      },
      {},
    ],
    [
      'Claude Sonnet 4.5 with 5m and 1h cache writes and cache reads ($3 / 5m $3.75 / 1h $6 / read $0.30 / $15)',
      () =>
        price(
          'anthropic',
          'claude-sonnet-4-5-20250929',
          raw.anthropicMessageWithCache,
          '2025-10-15T00:00:00Z',
        ),
      // 50 × 3,000 = 150,000; 10,000 × 300 = 3,000,000; 1,000 × 3,750 + 2,000 × 6,000 = 15,750,000; 700 × 15,000 = 10,500,000
      {
        inputNanos: 150_000,
        cachedInputNanos: 3_000_000,
        cacheWriteNanos: 15_750_000,
        outputNanos: 10_500_000,
        reasoningNanos: 0,
        totalNanos: 29_400_000,
      },
      { ruleId: 'anthropic/claude-sonnet-4-5' },
    ],
    [
      'the same Claude call through the Message Batches API (50% off, cache multipliers stack)',
      () =>
        price(
          'anthropic',
          'claude-sonnet-4-5-20250929',
          raw.anthropicMessageWithCache,
          '2025-10-15T00:00:00Z',
          { batch: true },
        ),
      {
        inputNanos: 75_000,
        cachedInputNanos: 1_500_000,
        cacheWriteNanos: 7_875_000,
        outputNanos: 5_250_000,
        reasoningNanos: 0,
        totalNanos: 14_700_000,
      },
      { batch: true },
    ],
    [
      'Claude Opus 4.1 with thinking; 1h cache writes known from the request ($15 / 1h $30 / $75)',
      () =>
        price('anthropic', 'claude-opus-4-1-20250805', raw.anthropicMessageNoSplit, '2025-09-01T00:00:00Z', {
          request: raw.anthropicRequestOneHourCache,
        }),
      // 20 × 15,000 = 300,000; 4,000 × 30,000 = 120,000,000; 2,500 × 75,000 = 187,500,000
      {
        inputNanos: 300_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 120_000_000,
        outputNanos: 187_500_000,
        reasoningNanos: 0,
        totalNanos: 307_800_000,
      },
      {},
    ],
    [
      'the same call without the request: unsplit writes are 5 minute writes ($18.75)',
      () =>
        price('anthropic', 'claude-opus-4-1-20250805', raw.anthropicMessageNoSplit, '2025-09-01T00:00:00Z'),
      // 4,000 × 18,750 = 75,000,000
      {
        inputNanos: 300_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 75_000_000,
        outputNanos: 187_500_000,
        reasoningNanos: 0,
        totalNanos: 262_800_000,
      },
      {},
    ],
    [
      'Claude Sonnet 4 above 200K input (cache reads and writes count): whole request at $6 / $22.50',
      () =>
        price(
          'anthropic',
          'claude-sonnet-4-20250514',
          {
            usage: {
              input_tokens: 5000,
              cache_read_input_tokens: 240_000,
              cache_creation_input_tokens: 10_000,
              output_tokens: 2000,
            },
          },
          '2025-09-01T00:00:00Z',
        ),
      // 255,000 > 200,000: 5,000 × 6,000 = 30,000,000; 240,000 × 600 = 144,000,000; 10,000 × 7,500 = 75,000,000; 2,000 × 22,500 = 45,000,000
      {
        inputNanos: 30_000_000,
        cachedInputNanos: 144_000_000,
        cacheWriteNanos: 75_000_000,
        outputNanos: 45_000_000,
        reasoningNanos: 0,
        totalNanos: 294_000_000,
      },
      { tier: 'above-200000' },
    ],
    [
      'Gemini 2.5 Pro above 200K prompt tokens with thinking: $2.50 / cached $0.25 / $15',
      () => price('google', 'gemini-2.5-pro', raw.geminiLongContextThinking, '2025-08-01T00:00:00Z'),
      // 50,000 × 2,500 = 125,000,000; 200,000 × 250 = 50,000,000; 1,200 × 15,000 = 18,000,000; 3,400 × 15,000 = 51,000,000
      {
        inputNanos: 125_000_000,
        cachedInputNanos: 50_000_000,
        cacheWriteNanos: 0,
        outputNanos: 18_000_000,
        reasoningNanos: 51_000_000,
        totalNanos: 244_000_000,
      },
      { tier: 'above-200000', ruleId: 'google/gemini-2.5-pro' },
    ],
    [
      'the same Gemini call through the Batch API',
      () =>
        price('google', 'models/gemini-2.5-pro', raw.geminiLongContextThinking, '2025-08-01T00:00:00Z', {
          batch: true,
        }),
      {
        inputNanos: 62_500_000,
        cachedInputNanos: 25_000_000,
        cacheWriteNanos: 0,
        outputNanos: 9_000_000,
        reasoningNanos: 25_500_000,
        totalNanos: 122_000_000,
      },
      { tier: 'above-200000', batch: true },
    ],
    [
      'Gemini 2.5 Flash on Vertex with audio input ($1.00 audio, $0.30 text, $2.50 out)',
      () => price('vertex', 'gemini-2.5-flash', raw.vertexGeminiAudio, '2025-08-01T00:00:00Z'),
      // 800 × 300 + 3,200 × 1,000 = 3,440,000; 500 × 2,500 = 1,250,000
      {
        inputNanos: 3_440_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 1_250_000,
        reasoningNanos: 0,
        totalNanos: 4_690_000,
      },
      {},
    ],
    [
      'Gemini 1.5 Pro before the 2024-10-01 cut ($3.50 / $10.50)',
      () =>
        priceUsage({
          provider: 'gemini',
          model: 'gemini-1.5-pro-002',
          usage: usageOf(100_000, 1000),
          at: '2024-09-01T00:00:00Z',
        }),
      // 100,000 × 3,500 = 350,000,000; 1,000 × 10,500 = 10,500,000
      {
        inputNanos: 350_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 10_500_000,
        reasoningNanos: 0,
        totalNanos: 360_500_000,
      },
      { ruleId: 'google/gemini-1.5-pro' },
    ],
    [
      'Gemini 1.5 Pro after the cut, above 128K ($2.50 / $10)',
      () =>
        priceUsage({
          provider: 'gemini',
          model: 'gemini-1.5-pro-002',
          usage: usageOf(150_000, 1000),
          at: '2024-11-01T00:00:00Z',
        }),
      // 150,000 × 2,500 = 375,000,000; 1,000 × 10,000 = 10,000,000
      {
        inputNanos: 375_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 10_000_000,
        reasoningNanos: 0,
        totalNanos: 385_000_000,
      },
      { ruleId: 'google/gemini-1.5-pro@2024-10-01', tier: 'above-128000' },
    ],
    [
      'Bedrock Converse, Claude 3.5 Sonnet v2 through a us. inference profile, cached',
      () =>
        price(
          'bedrock',
          'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
          raw.bedrockConverseCached,
          '2025-03-01T00:00:00Z',
        ),
      // 120 × 3,000 = 360,000; 4,000 × 300 = 1,200,000; 1,000 × 3,750 = 3,750,000; 480 × 15,000 = 7,200,000
      {
        inputNanos: 360_000,
        cachedInputNanos: 1_200_000,
        cacheWriteNanos: 3_750_000,
        outputNanos: 7_200_000,
        reasoningNanos: 0,
        totalNanos: 12_510_000,
      },
      { ruleId: 'bedrock/regional.anthropic.claude-3-5-sonnet-20241022-v2:0' },
    ],
    [
      'Bedrock InvokeModel, Amazon Nova Pro with cache reads ($0.80 / read $0.20 / $3.20)',
      () => price('bedrock', 'amazon.nova-pro-v1:0', raw.bedrockNova, '2025-03-01T00:00:00Z'),
      // 300 × 800 = 240,000; 2,000 × 200 = 400,000; 90 × 3,200 = 288,000
      {
        inputNanos: 240_000,
        cachedInputNanos: 400_000,
        cacheWriteNanos: 0,
        outputNanos: 288_000,
        reasoningNanos: 0,
        totalNanos: 928_000,
      },
      {},
    ],
    [
      'Bedrock InvokeModel, Llama 3.3 70B by ARN ($0.72 / $0.72)',
      () =>
        price(
          'bedrock',
          'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0',
          raw.bedrockLlama,
          '2025-03-01T00:00:00Z',
        ),
      // 812 × 720 = 584,640; 256 × 720 = 184,320
      {
        inputNanos: 584_640,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 184_320,
        reasoningNanos: 0,
        totalNanos: 768_960,
      },
      {},
    ],
    [
      'Mistral Small (latest alias)',
      () => price('mistral', 'mistral-small-latest', raw.mistralChat, '2025-08-01T00:00:00Z'),
      // 16 × 100 = 1,600; 34 × 300 = 10,200
      {
        inputNanos: 1_600,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 10_200,
        reasoningNanos: 0,
        totalNanos: 11_800,
      },
      {},
    ],
    [
      'Mistral Large 2407 before the 2024-09-17 cut ($3 / $9)',
      () =>
        priceUsage({
          provider: 'mistral',
          model: 'mistral-large-2407',
          usage: usageOf(1000, 1000),
          at: '2024-08-01T00:00:00Z',
        }),
      {
        inputNanos: 3_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 9_000_000,
        reasoningNanos: 0,
        totalNanos: 12_000_000,
      },
      { ruleId: 'mistral/mistral-large' },
    ],
    [
      'Mistral Large 2407 after the cut ($2 / $6)',
      () =>
        priceUsage({
          provider: 'mistral',
          model: 'mistral-large-2407',
          usage: usageOf(1000, 1000),
          at: '2024-10-01T00:00:00Z',
        }),
      {
        inputNanos: 2_000_000,
        cachedInputNanos: 0,
        cacheWriteNanos: 0,
        outputNanos: 6_000_000,
        reasoningNanos: 0,
        totalNanos: 8_000_000,
      },
      { ruleId: 'mistral/mistral-large@2024-09-17' },
    ],
  ];

  it.each(cases)('%s', (_name, compute, expected, meta) => {
    const cost = compute();
    expect(cost.priced).toBe(true);
    expect(amounts(cost)).toEqual(expected);
    expect(cost).toMatchObject(meta);
  });
});

describe('priceUsage: boundaries and rounding', () => {
  it('applies a price change from its effectiveFrom instant (inclusive) and ends the old one (exclusive)', () => {
    const at = (time: string) =>
      priceUsage({ provider: 'openai', model: 'o3', usage: usageOf(1_000_000, 0), at: time }).ruleId;
    expect(at('2025-06-09T23:59:59.999Z')).toBe('openai/o3');
    expect(at('2025-06-10T00:00:00.000Z')).toBe('openai/o3@2025-06-10');
    expect(at('2025-06-10T01:00:00+02:00')).toBe('openai/o3'); // 2025-06-09T23:00Z
  });

  it('moves to the long-context tier only strictly above the threshold', () => {
    const cost = (input: number) =>
      priceUsage({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        usage: usageOf(input, 0),
        at: '2025-10-01T00:00:00Z',
      });
    // 200,000 × 3,000 = 600,000,000 at the base price; 200,001 × 6,000 = 1,200,006,000 above it
    expect(cost(200_000)).toMatchObject({ totalNanos: 600_000_000 });
    expect(cost(200_000).tier).toBeUndefined();
    expect(cost(200_001)).toMatchObject({ totalNanos: 1_200_006_000, tier: 'above-200000' });
  });

  it('rounds half-up once per usage type (Nova Micro: $0.035 in, cached $0.00875)', () => {
    const cost = price(
      'bedrock',
      'amazon.nova-micro-v1:0',
      { usage: { inputTokens: 1, outputTokens: 0, totalTokens: 3, cacheReadInputTokens: 2 } },
      '2025-03-01T00:00:00Z',
    );
    // input 1 × 35 = 35; cached 2 × 8.75 = 17.5 → 18 (half-up)
    expect(amounts(cost)).toMatchObject({ inputNanos: 35, cachedInputNanos: 18, totalNanos: 53 });
    const batch = price(
      'bedrock',
      'amazon.nova-micro-v1:0',
      { usage: { inputTokens: 1, outputTokens: 0 } },
      '2025-03-01T00:00:00Z',
      {
        batch: true,
      },
    );
    // 1 × 35 × 50% = 17.5 → 18
    expect(batch.inputNanos).toBe(18);
  });

  it('is exact beyond 2^53 intermediate products (10 billion tokens at $600/M)', () => {
    // 10,000,000,000 × 600,000,000,000 nano-USD/M / 1,000,000 = 6,000,000,000,000,000 nano-USD ($6M)
    expect(costNanos([[10_000_000_000, 600_000_000_000n]], [])).toBe(6_000_000_000_000_000);
  });

  it('matches the half-up rounding of the exact product for any count and price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.bigInt({ min: 0n, max: 600_000_000_000n }),
        (tokens, nanosPerMillion) => {
          const exact = BigInt(tokens) * nanosPerMillion; // in nano-USD × 1e6
          const rounded = BigInt(costNanos([[tokens, nanosPerMillion]], []));
          const remainder = exact - rounded * 1_000_000n;
          expect(remainder >= -500_000n && remainder < 500_000n).toBe(true);
        },
      ),
    );
  });

  it('sums the parts into the total and never charges more in batch', () => {
    const tokens = fc.integer({ min: 0, max: 2_000_000 });
    fc.assert(
      fc.property(
        fc.constantFrom('gpt-5', 'claude-sonnet-4-5', 'gemini-2.5-pro', 'o3', 'gpt-4o-mini'),
        tokens,
        tokens,
        tokens,
        tokens,
        (model, uncached, cached, output, reasoning) => {
          const provider = model.startsWith('claude')
            ? 'anthropic'
            : model.startsWith('gemini')
              ? 'google'
              : 'openai';
          const usage = usageOf(uncached + cached, output + reasoning, {
            cachedInputTokens: cached,
            reasoningTokens: reasoning,
          });
          const at = '2025-11-01T00:00:00Z';
          const standard = priceUsage({ provider, model, usage, at });
          const batch = priceUsage({ provider, model, usage, at, batch: true });
          const parts = (c: CostBreakdown) =>
            c.inputNanos + c.cachedInputNanos + c.cacheWriteNanos + c.outputNanos + c.reasoningNanos;
          expect(standard.priced).toBe(true);
          expect(parts(standard)).toBe(standard.totalNanos);
          expect(batch.totalNanos).toBeLessThanOrEqual(standard.totalNanos);
        },
      ),
    );
  });
});

describe('priceUsage: rule choice', () => {
  const prices = (input: string) => ({ input, output: '0' });
  const custom: PricingRule[] = [
    {
      id: 'exact',
      version: 1,
      provider: 'acme',
      model: 'm-1',
      perMillion: prices('1'),
      source: 'https://example.test',
    },
    {
      id: 'short',
      version: 1,
      provider: 'acme',
      model: 'm-*',
      perMillion: prices('2'),
      source: 'https://example.test',
    },
    {
      id: 'long',
      version: 1,
      provider: 'acme',
      model: 'm-1-*',
      perMillion: prices('3'),
      source: 'https://example.test',
    },
    {
      id: 'exact-later',
      version: 2,
      provider: 'acme',
      model: 'm-3',
      effectiveFrom: '2025-01-01',
      perMillion: prices('4'),
      source: 'https://example.test',
    },
  ];
  const rule = (model: string, at = '2025-06-01T00:00:00Z') =>
    priceUsage({ provider: 'acme', model, usage: usageOf(1, 0), at, catalog: custom });

  it.each([
    ['m-1', 'exact'],
    ['M-1', 'exact'],
    ['m-1-2025-01-01', 'long'],
    ['m-2', 'short'],
    ['m-3', 'exact-later'],
  ])('prices %s with rule %s (exact beats wildcards, longest prefix wins)', (model, id) => {
    expect(rule(model).ruleId).toBe(id);
  });

  it('falls back to a wildcard when the exact rule is not yet in effect', () => {
    expect(rule('m-3', '2024-06-01T00:00:00Z').ruleId).toBe('short');
  });
});

describe('priceUsage: unpriced, never $0 priced, never thrown', () => {
  const at = '2025-06-01T00:00:00Z';
  it.each([
    [
      'an unknown model',
      { provider: 'openai', model: 'gpt-99-turbo', usage: usageOf(10, 1), at },
      'unknown_model',
    ],
    [
      'an unknown provider',
      { provider: 'acme-llm', model: 'gpt-4o', usage: usageOf(10, 1), at },
      'unknown_provider',
    ],
    [
      'a model before it existed',
      { provider: 'openai', model: 'gpt-4o', usage: usageOf(10, 1), at: '2024-01-01T00:00:00Z' },
      'unknown_model',
    ],
    ['missing usage', { provider: 'openai', model: 'gpt-4o', usage: undefined, at }, 'missing_usage'],
    [
      'inconsistent usage',
      { provider: 'openai', model: 'gpt-4o', usage: usageOf(10, 1, { cachedInputTokens: 11 }), at },
      'invalid_usage',
    ],
    [
      'an unparsable time',
      { provider: 'openai', model: 'gpt-4o', usage: usageOf(10, 1), at: 'yesterday' },
      'invalid_time',
    ],
  ])('%s', (_name, args, reason) => {
    const cost = priceUsage(args);
    expect(cost).toEqual({
      priced: false,
      currency: 'USD',
      inputNanos: 0,
      cachedInputNanos: 0,
      cacheWriteNanos: 0,
      outputNanos: 0,
      reasoningNanos: 0,
      totalNanos: 0,
      unpricedReason: reason,
    });
  });
});
