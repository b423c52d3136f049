import {
  InvalidPricingRulesError,
  type PricingRuleIssue,
  parsePricingRules,
  priceUsage,
} from '../../../shared/domain/pricing';

const usage = (inputTokens: number, outputTokens: number) => ({
  inputTokens,
  outputTokens,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
});
const at = '2025-06-01T00:00:00Z';

function issuesOf(raw: unknown): PricingRuleIssue[] {
  try {
    parsePricingRules(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPricingRulesError);
    return (error as InvalidPricingRulesError).issues;
  }
  throw new Error('expected parsePricingRules to throw');
}

describe('parsePricingRules', () => {
  it('accepts a body with rules, defaulting kind, version and source, and numbers as prices', () => {
    const rules = parsePricingRules({
      rules: [
        { id: 'acme/gpt-4o-15', provider: 'openai', model: 'gpt-4o*', kind: 'discount', discountPercent: 15 },
        {
          id: 'acme/llama',
          provider: 'vllm',
          model: 'llama-3.1-8b-acme',
          perMillion: { input: 0.05, output: '0.10' },
        },
      ],
    });
    expect(rules).toEqual([
      {
        id: 'acme/gpt-4o-15',
        version: 1,
        provider: 'openai',
        model: 'gpt-4o*',
        kind: 'discount',
        discountPercent: '15',
        source: 'project override',
      },
      {
        id: 'acme/llama',
        version: 1,
        provider: 'vllm',
        model: 'llama-3.1-8b-acme',
        kind: 'prices',
        perMillion: { input: '0.05', output: '0.10' },
        source: 'project override',
      },
    ]);
  });

  it('accepts a bare array', () => {
    expect(
      parsePricingRules([{ id: 'a', provider: 'x', model: 'y', perMillion: { input: '1', output: '2' } }]),
    ).toHaveLength(1);
  });

  it.each([
    [
      'a missing price',
      [{ id: 'a', provider: 'x', model: 'y', perMillion: { input: '1' } }],
      '0.perMillion.output',
    ],
    [
      'a price with a comma',
      [{ id: 'a', provider: 'x', model: 'y', perMillion: { input: '1,5', output: '2' } }],
      '0.perMillion.input',
    ],
    [
      'a negative price',
      [{ id: 'a', provider: 'x', model: 'y', perMillion: { input: -1, output: '2' } }],
      '0.perMillion.input',
    ],
    [
      'a wildcard in the middle',
      [{ id: 'a', provider: 'x', model: 'gpt-*-mini', perMillion: { input: '1', output: '2' } }],
      '0.model',
    ],
    [
      'a discount above 100%',
      [{ id: 'a', provider: 'x', model: 'y', kind: 'discount', discountPercent: '120' }],
      '0.discountPercent',
    ],
    [
      'an end before the start',
      [
        {
          id: 'a',
          provider: 'x',
          model: 'y',
          perMillion: { input: '1', output: '2' },
          effectiveFrom: '2025-02-01',
          effectiveTo: '2025-01-01',
        },
      ],
      '0.effectiveTo',
    ],
    [
      'a date-time without a zone',
      [
        {
          id: 'a',
          provider: 'x',
          model: 'y',
          perMillion: { input: '1', output: '2' },
          effectiveFrom: '2025-02-01T00:00:00',
        },
      ],
      '0.effectiveFrom',
    ],
    [
      'an unknown field',
      [{ id: 'a', provider: 'x', model: 'y', perMillion: { input: '1', output: '2' }, price: 3 }],
      '0',
    ],
    [
      'duplicate ids',
      [
        { id: 'a', provider: 'x', model: 'y', perMillion: { input: '1', output: '2' } },
        { id: 'a', provider: 'x', model: 'z', perMillion: { input: '1', output: '2' } },
      ],
      '1.id',
    ],
    [
      'overlapping rules for the same pattern',
      [
        {
          id: 'a',
          provider: 'x',
          model: 'y',
          perMillion: { input: '1', output: '2' },
          effectiveFrom: '2025-01-01',
        },
        {
          id: 'b',
          provider: 'x',
          model: 'y',
          perMillion: { input: '1', output: '2' },
          effectiveTo: '2025-03-01',
        },
      ],
      '1.model',
    ],
  ])('rejects %s with an issue at its path', (_name, raw, path) => {
    expect(issuesOf(raw).map((issue) => issue.path)).toContain(path);
  });
});

describe('priceUsage with overrides', () => {
  const overrides = parsePricingRules({
    rules: [
      {
        id: 'acme/openai-15',
        version: 3,
        provider: 'openai',
        model: 'gpt-4o*',
        kind: 'discount',
        discountPercent: '15',
      },
      {
        id: 'acme/ft-4o-mini',
        provider: 'openai',
        model: 'ft:gpt-4o-mini-2024-07-18:acme::*',
        perMillion: { input: '0.30', output: '1.20' },
      },
      {
        id: 'acme/llama',
        provider: 'vllm',
        model: 'llama-3.1-8b-acme',
        perMillion: { input: '0.05', output: '0.10' },
      },
      { id: 'acme/o3-flat', provider: 'openai', model: 'o3', perMillion: { input: '1', output: '1' } },
    ],
  });

  it('takes a negotiated percentage off the catalog rule in effect', () => {
    const cost = priceUsage({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      usage: usage(1000, 1000),
      at,
      overrides,
    });
    // catalog: 1,000 × 2,500 = 2,500,000 and 1,000 × 10,000 = 10,000,000; 15% off → 2,125,000 and 8,500,000
    expect(cost).toMatchObject({
      priced: true,
      inputNanos: 2_125_000,
      outputNanos: 8_500_000,
      totalNanos: 10_625_000,
      ruleId: 'acme/openai-15',
      ruleVersion: 3,
      baseRuleId: 'openai/gpt-4o@2024-10-02',
      baseRuleVersion: 1,
    });
  });

  it('stacks the negotiated discount with the batch discount', () => {
    const cost = priceUsage({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      usage: usage(1000, 1000),
      at,
      overrides,
      batch: true,
    });
    // 2,500,000 × 50% × 85% = 1,062,500; 10,000,000 × 50% × 85% = 4,250,000
    expect(cost).toMatchObject({
      inputNanos: 1_062_500,
      outputNanos: 4_250_000,
      totalNanos: 5_312_500,
      batch: true,
    });
  });

  it('prices a fine-tuned model with its explicit prices', () => {
    const cost = priceUsage({
      provider: 'openai',
      model: 'ft:gpt-4o-mini-2024-07-18:acme::AbC123',
      usage: usage(1000, 100),
      at,
      overrides,
    });
    // 1,000 × 300 = 300,000; 100 × 1,200 = 120,000
    expect(cost).toMatchObject({ totalNanos: 420_000, ruleId: 'acme/ft-4o-mini' });
  });

  it('prices a self-hosted model under a custom provider', () => {
    const cost = priceUsage({
      provider: 'vLLM',
      model: 'llama-3.1-8b-acme',
      usage: usage(2000, 1000),
      at,
      overrides,
    });
    // 2,000 × 50 = 100,000; 1,000 × 100 = 100,000
    expect(cost).toMatchObject({ totalNanos: 200_000, ruleId: 'acme/llama' });
  });

  it('takes precedence over the catalog, through `overrides` or the processor`s `rules`', () => {
    for (const args of [{ overrides }, { rules: overrides }]) {
      const cost = priceUsage({
        provider: 'openai',
        model: 'o3',
        usage: usage(1000, 1000),
        at: '2025-07-01T00:00:00Z',
        ...args,
      });
      // 1,000 × 1,000 + 1,000 × 1,000 = 2,000,000
      expect(cost).toMatchObject({ totalNanos: 2_000_000, ruleId: 'acme/o3-flat' });
    }
  });

  it('leaves a discount without a catalog rule unpriced rather than guessing', () => {
    const cost = priceUsage({
      provider: 'openai',
      model: 'gpt-4o-future',
      usage: usage(10, 10),
      at,
      overrides,
    });
    expect(cost).toMatchObject({ priced: false, unpricedReason: 'unknown_model' });
  });
});

describe('parsePricingRules issue paths', () => {
  it('prefixes paths with rules. when the body wraps the list', () => {
    expect(issuesOf({ rules: [{ id: 'a', provider: 'x', model: 'y', perMillion: { input: '1' } }] })).toEqual(
      [{ path: 'rules.0.perMillion.output', message: expect.any(String) }],
    );
    expect(issuesOf({ rules: [], extra: 1 })).toEqual([{ path: '', message: 'unknown keys: extra' }]);
  });
});
