import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  catalogRules,
  compileRules,
  findOverlaps,
  type PricingRule,
  priceUsage,
  shippedCatalog,
  shippedRulesFor,
} from '../../../shared/domain/pricing';
import { rulesOfCatalogFile } from '../../../shared/domain/pricing/catalog-file';

const CATALOG = shippedCatalog();
const USAGE = {
  inputTokens: 1000,
  outputTokens: 100,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
};
/** A model the rule matches: its own id, or one under its wildcard prefix. */
const sampleModel = (rule: PricingRule) =>
  rule.model.endsWith('*') ? `${rule.model.slice(0, -1)}x` : rule.model;

describe('the shipped catalog', () => {
  it('has no two rules for the same provider and pattern with overlapping dates', () => {
    expect(findOverlaps(CATALOG)).toEqual([]);
  });

  it('detects an overlap when one is introduced', () => {
    const duplicate: PricingRule = {
      ...catalogRules('openai').find((rule) => rule.id === 'openai/gpt-4.1')!,
      id: 'openai/gpt-4.1-copy',
    };
    expect(findOverlaps([...CATALOG, duplicate])).toEqual([
      { provider: 'openai', pattern: 'gpt-4.1', ruleIds: ['openai/gpt-4.1', 'openai/gpt-4.1-copy'] },
      {
        provider: 'openai',
        pattern: 'gpt-4.1-2025-04-14',
        ruleIds: ['openai/gpt-4.1', 'openai/gpt-4.1-copy'],
      },
    ]);
  });

  it('treats the same pattern in disjoint periods as no overlap, touching periods included', () => {
    const o3 = CATALOG.filter((rule) => rule.provider === 'openai' && rule.model === 'o3');
    expect(o3.map((rule) => [rule.effectiveFrom, rule.effectiveTo])).toEqual([
      ['2025-04-16', '2025-06-10'],
      ['2025-06-10', undefined],
    ]);
    expect(findOverlaps(o3)).toEqual([]);
  });

  it('covers every provider traffic sends, with many models each', () => {
    const models = new Set(CATALOG.map((rule) => `${rule.provider}|${rule.model}`));
    expect(models.size).toBeGreaterThanOrEqual(1000);
    for (const provider of [
      'openai',
      'azure',
      'anthropic',
      'google',
      'bedrock',
      'mistral',
      'deepseek',
      'xai',
      'groq',
      'together',
      'fireworks',
      'openrouter',
    ]) {
      expect({ provider, rules: catalogRules(provider).length >= 5 }).toEqual({ provider, rules: true });
    }
  });

  it('names a source page for every entry, and has unique ids', () => {
    for (const rule of CATALOG) expect(rule.source).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//);
    const ids = CATALOG.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('compiles (every price and date parses) and prices every entry while it is in effect', () => {
    expect(() => compileRules(CATALOG)).not.toThrow();
    for (const rule of CATALOG) {
      // Time-of-day rules are checked inside their window.
      const time = rule.timeOfDayUtc ? `${rule.timeOfDayUtc.start}:00` : '12:00:00';
      const at = rule.effectiveFrom
        ? `${rule.effectiveFrom}T${time}Z`
        : rule.effectiveTo
          ? new Date(Date.parse(`${rule.effectiveTo}T00:00:00Z`) - 86_400_000).toISOString()
          : `2026-01-01T${rule.timeOfDayUtc ? time : '00:00:00'}Z`;
      const model = sampleModel(rule);
      const cost = priceUsage({ provider: rule.provider, model, usage: USAGE, at });
      expect({ model: rule.model, ruleId: cost.ruleId }).toEqual({ model: rule.model, ruleId: rule.id });
      // Free models (`:free` routes) are priced at zero on purpose.
      const free =
        rule.kind !== 'discount' && Object.values(rule.perMillion).every((price) => Number(price) === 0);
      if (!free) expect(cost.totalNanos).toBeGreaterThan(0);
    }
  });
});

describe('loading the shipped catalog by provider', () => {
  it('prices exactly as the whole catalog does, fallbacks (Azure → OpenAI, Vertex → Claude) included', () => {
    /** Each rule under its own provider, through a fallback where one applies, and unknown. */
    const providersFor = (rule: PricingRule) => [
      rule.provider,
      ...(rule.provider === 'openai' ? ['azure-openai'] : []),
      ...(rule.provider === 'anthropic' ? ['vertex'] : []),
      'nope',
    ];
    for (const rule of CATALOG) {
      for (const provider of providersFor(rule)) {
        const args = { provider, model: sampleModel(rule), usage: USAGE, at: '2026-01-01T12:00:00Z' };
        expect(priceUsage(args)).toEqual(priceUsage({ ...args, catalog: CATALOG }));
      }
    }
  });

  it('keeps one rule list per set of provider keys, and one empty list for unknown providers', () => {
    expect(shippedRulesFor(['azure', 'openai'])).toBe(shippedRulesFor(['azure', 'openai']));
    expect(shippedRulesFor(['azure', 'openai']).map((rule) => rule.id)).toEqual(
      [...catalogRules('azure'), ...catalogRules('openai')].map((rule) => rule.id),
    );
    expect(shippedRulesFor(['made-up-1'])).toBe(shippedRulesFor(['made-up-2']));
    expect(shippedRulesFor(['made-up-1'])).toHaveLength(0);
    expect(catalogRules('toString')).toHaveLength(0);
  });

  it('reads back from the generated files what it loads, backticks in notes included', () => {
    const bedrock = rulesOfCatalogFile(
      readFileSync(
        join(__dirname, '../../../shared/domain/pricing/catalog/generated/bedrock.rules.ts'),
        'utf8',
      ),
    );
    expect(bedrock).toEqual(catalogRules('bedrock'));
    expect(bedrock.some((rule) => rule.note?.includes('`'))).toBe(true);
  });
});
