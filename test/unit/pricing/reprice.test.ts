import { priceUsage, repriceCost, summarizeReprice } from '../../../shared/domain/pricing';

const usage = {
  inputTokens: 1000,
  outputTokens: 1000,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
};

describe('repriceCost', () => {
  const before = priceUsage({ provider: 'openai', model: 'o3', usage, at: '2025-05-01T00:00:00Z' });
  const after = priceUsage({ provider: 'openai', model: 'o3', usage, at: '2025-07-01T00:00:00Z' });
  const unpriced = priceUsage({
    provider: 'openai',
    model: 'o3',
    usage: undefined,
    at: '2025-07-01T00:00:00Z',
  });

  it('reports the change and the delta when a price changed', () => {
    // before: 1,000 × 10,000 + 1,000 × 40,000 = 50,000,000; after: 1,000 × 2,000 + 1,000 × 8,000 = 10,000,000
    expect(repriceCost(before, after)).toEqual({
      changed: true,
      deltaNanos: -40_000_000,
      ruleChanged: true,
      newlyPriced: false,
      newlyUnpriced: false,
    });
  });

  it('reports nothing when the pricing is the same', () => {
    expect(repriceCost(after, { ...after })).toEqual({
      changed: false,
      deltaNanos: 0,
      ruleChanged: false,
      newlyPriced: false,
      newlyUnpriced: false,
    });
  });

  it('flags a rule version bump even when amounts are equal', () => {
    expect(repriceCost(after, { ...after, ruleVersion: 2 })).toMatchObject({
      changed: true,
      ruleChanged: true,
      deltaNanos: 0,
    });
  });

  it('counts newly priced and newly unpriced records in the summary', () => {
    const summary = summarizeReprice([
      repriceCost(before, after),
      repriceCost(after, after),
      repriceCost(unpriced, after),
      repriceCost(after, unpriced),
    ]);
    expect(summary).toEqual({
      count: 4,
      changedCount: 3,
      deltaNanos: -40_000_000 + 10_000_000 - 10_000_000,
      newlyPricedCount: 1,
      newlyUnpricedCount: 1,
    });
  });
});
