/**
 * What today's traffic needs beyond token prices: time-of-day prices, service tiers, per-call fees,
 * the imported catalog layer, and the usage shapes of DeepSeek, xAI and server-side tools.
 */

import { readFileSync } from 'node:fs';
import {
  type NormalizedUsage,
  normalizeUsage,
  responseModelOf,
  serviceTierOf,
} from '../../../shared/domain/normalize';
import { modelLookupKeys, type PricingRule, priceUsage, pricingModel } from '../../../shared/domain/pricing';
import { rulesOfCatalogFile } from '../../../shared/domain/pricing/catalog-file';

const usage = (input: number, output: number, extra: Partial<NormalizedUsage> = {}): NormalizedUsage => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
  ...extra,
});

describe('time-of-day prices', () => {
  it('prices DeepSeek V4 Flash at the peak rate inside 01:00–04:00 UTC and off-peak outside', () => {
    const at = (time: string) =>
      priceUsage({
        provider: 'deepseek',
        model: 'deepseek-v4-flash',
        usage: usage(1_000_000, 0),
        at: `2026-11-20T${time}Z`,
      });
    expect(at('02:30:00')).toMatchObject({
      ruleId: 'deepseek/deepseek-v4-flash@01:00-04:00@2026-08-17',
      inputNanos: 440_000_000,
    });
    expect(at('04:00:00')).toMatchObject({
      ruleId: 'deepseek/deepseek-v4-flash@2026-08-17',
      inputNanos: 220_000_000,
    });
  });
});

describe('service tiers', () => {
  const price = (model: string, serviceTier?: string) =>
    priceUsage({
      provider: 'openai',
      model,
      usage: usage(100_000, 100_000),
      at: '2026-11-20T12:00:00Z',
      serviceTier,
    });

  it('prices Flex at 50% off and Priority at its own prices (gpt-5.5: $5/$30, priority $12.50/$75)', () => {
    expect(price('gpt-5.5').totalNanos).toBe(3_500_000_000);
    expect(price('gpt-5.5', 'default').totalNanos).toBe(3_500_000_000);
    expect(price('gpt-5.5', 'flex')).toMatchObject({ totalNanos: 1_750_000_000, serviceTier: 'flex' });
    expect(price('gpt-5.5', 'priority')).toMatchObject({
      totalNanos: 8_750_000_000,
      serviceTier: 'priority',
    });
  });

  it('leaves a tier the rule has no price for unpriced, never at standard rates', () => {
    expect(price('gpt-5.4-mini', 'priority')).toMatchObject({
      priced: false,
      unpricedReason: 'unknown_service_tier',
    });
  });
});

describe('per-call fees', () => {
  it('prices web search calls as their own cost line inside the total ($10 per 1,000 on Claude)', () => {
    const cost = priceUsage({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      usage: usage(1000, 100, { webSearchCalls: 3 }),
      at: '2026-11-20T12:00:00Z',
    });
    expect(cost).toMatchObject({
      inputNanos: 1_000_000,
      outputNanos: 500_000,
      toolCallNanos: 30_000_000,
      totalNanos: 31_500_000,
    });
  });
});

describe('long-context tiers', () => {
  it('bills a whole Haiku 5.5 request above 100K prompt tokens at the higher rates', () => {
    const price = (input: number) =>
      priceUsage({
        provider: 'anthropic',
        model: 'claude-haiku-5-5',
        usage: usage(input, 1000),
        at: '2026-11-20T12:00:00Z',
      });
    expect(price(100_000)).toMatchObject({ inputNanos: 10_000_000, outputNanos: 500_000 });
    expect(price(100_001)).toMatchObject({
      inputNanos: 50_000_500,
      outputNanos: 2_500_000,
      tier: 'above-100000',
    });
  });
});

describe('the imported catalog layer', () => {
  const layer: PricingRule[] = [
    {
      id: 'layer/gpt-9',
      version: 1,
      provider: 'openai',
      model: 'gpt-9*',
      source: 'https://example.com/',
      perMillion: { input: '1', output: '2' },
    },
    {
      id: 'layer/gpt-4o',
      version: 1,
      provider: 'openai',
      model: 'gpt-4o',
      source: 'https://example.com/',
      perMillion: { input: '9', output: '9' },
    },
  ];
  const overrides: PricingRule[] = [
    {
      id: 'acme/gpt-4o',
      version: 1,
      provider: 'openai',
      model: 'gpt-4o',
      source: 'contract',
      kind: 'discount',
      discountPercent: '10',
    },
  ];
  const price = (model: string, rules?: PricingRule[]) =>
    priceUsage({
      provider: 'openai',
      model,
      usage: usage(1_000_000, 0),
      at: '2026-11-20T12:00:00Z',
      layer,
      rules,
    });

  it('prices a model the shipped catalog lacks, and wins over the shipped catalog', () => {
    expect(price('gpt-9-mini')).toMatchObject({ ruleId: 'layer/gpt-9', totalNanos: 1_000_000_000 });
    expect(price('gpt-4o')).toMatchObject({ ruleId: 'layer/gpt-4o', totalNanos: 9_000_000_000 });
  });

  it('comes after project overrides (a discount applies to the layer price)', () => {
    expect(price('gpt-4o', overrides)).toMatchObject({
      ruleId: 'acme/gpt-4o',
      baseRuleId: 'layer/gpt-4o',
      totalNanos: 8_100_000_000,
    });
  });
});

describe("usage shapes of today's providers", () => {
  it('reads DeepSeek cache hits as cached input', () => {
    const read = normalizeUsage({
      provider: 'deepseek',
      response: {
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 50,
          prompt_cache_hit_tokens: 800,
          prompt_cache_miss_tokens: 200,
          total_tokens: 1050,
        },
      },
    });
    expect(read).toMatchObject({ inputTokens: 1000, cachedInputTokens: 800, outputTokens: 50 });
  });

  it('adds xAI reasoning tokens, reported outside completion_tokens, to the output', () => {
    const read = normalizeUsage({
      provider: 'xai',
      response: {
        usage: {
          prompt_tokens: 700,
          completion_tokens: 40,
          total_tokens: 1040,
          prompt_tokens_details: { cached_tokens: 600 },
          completion_tokens_details: { reasoning_tokens: 300 },
        },
      },
    });
    expect(read).toMatchObject({
      inputTokens: 700,
      cachedInputTokens: 600,
      outputTokens: 340,
      reasoningTokens: 300,
    });
    // OpenAI counts reasoning inside completion_tokens: unchanged.
    const openai = normalizeUsage({
      provider: 'openai',
      response: {
        usage: {
          prompt_tokens: 700,
          completion_tokens: 340,
          total_tokens: 1040,
          completion_tokens_details: { reasoning_tokens: 300 },
        },
      },
    });
    expect(openai).toMatchObject({ outputTokens: 340, reasoningTokens: 300 });
  });

  it('counts server-side web searches (Anthropic usage, Responses API output items)', () => {
    expect(
      normalizeUsage({
        provider: 'anthropic',
        response: {
          usage: { input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 2 } },
        },
      }),
    ).toMatchObject({ webSearchCalls: 2 });
    expect(
      normalizeUsage({
        provider: 'openai',
        response: {
          object: 'response',
          output: [{ type: 'web_search_call' }, { type: 'web_search_call' }, { type: 'message' }],
          usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
        },
      }),
    ).toMatchObject({ webSearchCalls: 2 });
  });

  it('reads the service tier and the serving model from responses and streams', () => {
    expect(serviceTierOf({ service_tier: 'flex', usage: {} })).toBe('flex');
    expect(serviceTierOf([{ data: '{"service_tier":"priority"}' }, 'data: [DONE]'])).toBe('priority');
    expect(responseModelOf({ object: 'response', response: { model: 'gpt-4o-2024-08-06' } })).toBe(
      'gpt-4o-2024-08-06',
    );
  });
});

describe('which model is priced', () => {
  it('prices an Azure deployment as the model its response names, a mapped name as the project says', () => {
    expect(pricingModel({ provider: 'azure', model: 'prod-chat', responseModel: 'gpt-4o-2024-08-06' })).toBe(
      'gpt-4o-2024-08-06',
    );
    expect(pricingModel({ provider: 'openai', model: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' })).toBe(
      'gpt-4o',
    );
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4';
    expect(
      pricingModel({
        provider: 'bedrock',
        model: arn.toUpperCase(),
        modelMap: { [arn]: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
      }),
    ).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  it('looks a Bedrock profile up with its prefix first, then in-region, then bare', () => {
    expect(modelLookupKeys('bedrock', 'EU.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual([
      'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'claude-haiku-4-5-20251001-v1:0',
    ]);
  });
});

describe('catalog files for import', () => {
  it('reads a generated module, a {"rules"} object and a bare array', () => {
    const generated = rulesOfCatalogFile(
      readFileSync('shared/domain/pricing/catalog/generated/xai.rules.ts', 'utf8'),
    );
    expect(generated.every((rule) => rule.provider === 'xai')).toBe(true);
    expect(generated.length).toBeGreaterThan(10);
    const rule = { id: 'x/y', provider: 'x', model: 'y' };
    expect(rulesOfCatalogFile(JSON.stringify({ rules: [rule] }))).toEqual([rule]);
    expect(rulesOfCatalogFile(JSON.stringify([rule]))).toEqual([rule]);
    expect(() => rulesOfCatalogFile('{"models": []}')).toThrow('expected');
  });
});
