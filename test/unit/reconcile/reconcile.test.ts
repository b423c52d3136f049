import fc from 'fast-check';
import { decimalToNanos } from '../../../shared/domain/money';
import {
  accountsOf,
  anthropicCosts,
  anthropicUsage,
  InvalidProviderAccountsError,
  type LedgerUsage,
  lineItemModel,
  modelKey,
  openAiCosts,
  openAiUsage,
  overrideLookup,
  type ProviderUsage,
  parseProviderAccounts,
  reconcileDays,
  reconciliationAnomalies,
  UnsupportedCurrencyError,
} from '../../../shared/domain/reconcile';
import { DAY, ledgerDay, providerDay } from './fixtures';

const DAY_SECONDS = Date.parse(`${DAY}T00:00:00Z`) / 1000;
const ledger = ledgerDay;
const usage = providerDay;

describe('decimalToNanos', () => {
  it.each([
    ['123.45', 'cents', 1_234_500_000],
    ['0.0000001', 'cents', 1],
    ['0.06', 'usd', 60_000_000],
    [0.06, 'usd', 60_000_000],
    [1e-7, 'usd', 100],
    ['1.5e-3', 'usd', 1_500_000],
    ['-2.5', 'usd', -2_500_000_000],
    ['0.0000000005', 'usd', 1],
    ['0.0000000004', 'usd', 0],
    ['12', 'cents', 120_000_000],
  ] as const)('%s %s → %d nano-USD', (value, unit, nanos) => {
    expect(decimalToNanos(value, unit)).toBe(nanos);
  });

  it.each(['', '.', 'abc', '1.2.3', 'NaN'])('refuses %j', (value) => {
    expect(() => decimalToNanos(value, 'usd')).toThrow(RangeError);
  });

  it('reads every 9-decimal USD amount exactly, as text and as a JSON number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000_000 }), (nanos) => {
        const text = `${Math.floor(nanos / 1e9)}.${String(nanos % 1e9).padStart(9, '0')}`;
        expect(decimalToNanos(text, 'usd')).toBe(nanos);
        if (nanos < 1e15) expect(decimalToNanos(Number(text), 'usd')).toBe(nanos);
      }),
    );
  });
});

describe('model keys', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o', 'gpt-4o'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['openai/GPT-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['o1-preview', 'o1-preview'],
  ])('%s → %s', (model, key) => expect(modelKey(model)).toBe(key));
});

describe('report pages', () => {
  it('sums OpenAI usage per day × model, batch apart, across pages', () => {
    const pages = [
      {
        data: [
          {
            start_time: DAY_SECONDS,
            results: [
              {
                model: 'gpt-4o',
                batch: false,
                num_model_requests: 3,
                input_tokens: 300,
                input_cached_tokens: 100,
                output_tokens: 30,
              },
              {
                model: 'gpt-4o',
                batch: true,
                num_model_requests: 2,
                input_tokens: 200,
                input_cached_tokens: 0,
                output_tokens: 20,
              },
            ],
          },
        ],
        has_more: true,
        next_page: 'x',
      },
      {
        data: [
          {
            start_time: DAY_SECONDS + 86_400,
            result: [{ model: 'gpt-4o', num_model_requests: 1, input_tokens: 1, output_tokens: 1 }],
          },
        ],
      },
    ];
    expect(openAiUsage(pages)).toEqual([
      usage({
        model: 'gpt-4o',
        requests: 5,
        tokens: { input: 500, cachedInput: 100, cacheWriteInput: 0, output: 50 },
        batchRequests: 2,
        batchTokens: 220,
      }),
      usage({
        date: '2026-11-22',
        model: 'gpt-4o',
        requests: 1,
        tokens: { input: 1, cachedInput: 0, cacheWriteInput: 0, output: 1 },
      }),
    ]);
  });

  it('sums OpenAI cost line items per model exactly (floats summed as decimals)', () => {
    const results = [
      { line_item: 'gpt-4o-2024-08-06, input', amount: { value: 0.1, currency: 'usd' } },
      { line_item: 'gpt-4o-2024-08-06, output', amount: { value: 0.2, currency: 'usd' } },
      { line_item: 'web search tool calls', amount: { value: 0.01, currency: 'usd' } },
    ];
    expect(openAiCosts([{ data: [{ start_time: DAY_SECONDS, results }] }])).toEqual([
      { date: DAY, model: 'gpt-4o-2024-08-06', costNanos: 300_000_000 },
      { date: DAY, model: 'web search tool calls', costNanos: 10_000_000 },
    ]);
    expect(lineItemModel('gpt-4o-mini, cached input')).toBe('gpt-4o-mini');
    expect(() =>
      openAiCosts([
        {
          data: [
            { start_time: DAY_SECONDS, results: [{ line_item: 'x', amount: { value: 1, currency: 'eur' } }] },
          ],
        },
      ]),
    ).toThrow(UnsupportedCurrencyError);
  });

  it('reads Anthropic usage: input is uncached + cache reads + cache writes; no request count', () => {
    const results = [
      {
        model: 'claude-sonnet-4-5',
        service_tier: 'batch',
        uncached_input_tokens: 70,
        cache_read_input_tokens: 20,
        cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 },
        output_tokens: 10,
      },
    ];
    expect(anthropicUsage([{ data: [{ starting_at: `${DAY}T00:00:00Z`, results }] }])).toEqual([
      {
        date: DAY,
        model: 'claude-sonnet-4-5',
        requests: null,
        tokens: { input: 100, cachedInput: 20, cacheWriteInput: 10, output: 10 },
        batchRequests: null,
        batchTokens: 110,
      },
    ]);
  });

  it('reads Anthropic costs in cents, only the given workspaces, non-token costs by type', () => {
    const results = [
      { workspace_id: 'wrkspc_a', model: 'claude-sonnet-4-5', amount: '123.45', currency: 'USD' },
      { workspace_id: 'wrkspc_a', model: 'claude-sonnet-4-5', amount: '0.0000001', currency: 'USD' },
      { workspace_id: 'wrkspc_a', model: null, cost_type: 'web_search', amount: '1', currency: 'USD' },
      { workspace_id: 'wrkspc_b', model: 'claude-sonnet-4-5', amount: '999', currency: 'USD' },
    ];
    expect(anthropicCosts([{ data: [{ starting_at: `${DAY}T00:00:00Z`, results }] }], ['wrkspc_a'])).toEqual([
      { date: DAY, model: 'claude-sonnet-4-5', costNanos: 1_234_500_001 },
      { date: DAY, model: 'web_search', costNanos: 10_000_000 },
    ]);
  });
});

describe('reconcileDays', () => {
  it('matches snapshot names to the alias, computes coverage and names untracked calls', () => {
    const [item] = reconcileDays({
      provider: 'openai',
      ledger: [ledger()],
      report: {
        usage: [
          usage({
            requests: 110,
            tokens: { input: 110_000, cachedInput: 0, cacheWriteInput: 0, output: 11_000 },
          }),
        ],
        costs: [{ date: DAY, model: 'gpt-4o-2024-08-06', costNanos: 385_000_000 }],
      },
    });
    expect(item).toMatchObject({
      date: DAY,
      provider: 'openai',
      model: 'gpt-4o',
      ledgerModels: ['gpt-4o'],
      providerModels: ['gpt-4o-2024-08-06'],
      driftNanos: -35_000_000,
      causes: [{ kind: 'untracked_calls', estimatedNanos: 35_000_000 }],
    });
    expect(item!.coverage.requests).toBeCloseTo(0.90909, 5);
    expect(item!.pricingDriftNanos).toBe(0);
  });

  it('names unpriced calls, an override and batch usage; says when no cause is known', () => {
    const overrideFor = (model: string) =>
      model === 'gpt-4o'
        ? { ruleId: 'acme/negotiated', ruleKind: 'discount' as const, discountPercent: '20' }
        : undefined;
    const items = reconcileDays({
      provider: 'openai',
      ledger: [
        ledger({ costNanos: 280_000_000, unpricedRequests: 2 }),
        ledger({ model: 'o3', costNanos: 1 }),
      ],
      report: {
        usage: [usage({ batchRequests: 10, batchTokens: 11_000 }), usage({ model: 'o3' })],
        costs: [
          { date: DAY, model: 'gpt-4o-2024-08-06', costNanos: 350_000_000 },
          { date: DAY, model: 'o3', costNanos: 2 },
        ],
      },
      overrideFor,
    });
    expect(items.map((item) => item.causes)).toEqual([
      [
        { kind: 'unpriced_calls', requests: 2 },
        { kind: 'override', ruleId: 'acme/negotiated', ruleKind: 'discount', discountPercent: '20' },
        { kind: 'batch', requests: 10, tokens: 11_000 },
      ],
      [{ kind: 'unexplained' }],
    ]);
  });

  it('keeps ledger-only and cost-only rows, and a null cost when the provider cannot attribute one', () => {
    const items = reconcileDays({
      provider: 'anthropic',
      ledger: [ledger({ provider: 'anthropic', model: 'claude-sonnet-4-5' }), ledger({ provider: 'openai' })],
      report: { usage: [], costs: null },
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      model: 'claude-sonnet-4-5',
      providerReport: { requests: 0, costNanos: null },
      coverage: { requests: null, inputTokens: null, outputTokens: null },
      driftNanos: null,
      causes: [{ kind: 'ledger_only' }],
    });
    const costOnly = reconcileDays({
      provider: 'openai',
      ledger: [],
      report: { usage: [], costs: [{ date: DAY, model: 'web search tool calls', costNanos: 5 }] },
    });
    expect(costOnly[0]!.causes).toEqual([{ kind: 'cost_only' }]);
    expect(reconciliationAnomalies('acme', costOnly)).toEqual([]);
  });

  it('is deterministic whatever the order of its inputs', () => {
    const ledgers = [ledger(), ledger({ model: 'gpt-4o-mini' }), ledger({ date: '2026-11-20' })];
    const usages = [
      usage(),
      usage({ model: 'gpt-4o-mini-2024-07-18', requests: 90 }),
      usage({ date: '2026-11-20' }),
    ];
    const expected = reconcileDays({
      provider: 'openai',
      ledger: ledgers,
      report: { usage: usages, costs: [] },
    });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(ledgers, { minLength: 3 }),
        fc.shuffledSubarray(usages, { minLength: 3 }),
        (l, u) => {
          expect(reconcileDays({ provider: 'openai', ledger: l, report: { usage: u, costs: [] } })).toEqual(
            expected,
          );
        },
      ),
    );
  });
});

describe('reconciliationAnomalies', () => {
  const judge = (
    ledgerDay: Partial<LedgerUsage>,
    report: Partial<ProviderUsage>,
    costNanos: number,
    options = {},
  ) =>
    reconciliationAnomalies(
      'acme',
      reconcileDays({
        provider: 'openai',
        ledger: [ledger(ledgerDay)],
        report: { usage: [usage(report)], costs: [{ date: DAY, model: 'gpt-4o', costNanos }] },
        overrideFor: () => ({ ruleId: 'acme/negotiated', ruleKind: 'discount', discountPercent: '20' }),
      }),
      options,
    );

  /** The ledger saw `seen` of the provider's 100 calls, tokens and cost alike. */
  const saw = (seen: number): Partial<LedgerUsage> => ({
    requests: seen,
    tokens: { input: seen * 1000, cachedInput: 0, cacheWriteInput: 0, output: seen * 100 },
    costNanos: seen * 3_500_000,
  });

  it('raises untracked_usage below 0.98 coverage, with enough provider usage, and no cost_drift for it', () => {
    expect(judge(saw(98), {}, 350_000_000)).toEqual([]);
    const found = judge(saw(97), {}, 350_000_000);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'untracked_usage', value: 0.97, baseline: 0.98, model: 'gpt-4o' });
    expect(found[0]!.id).toMatch(/^2026-11-21-untracked_usage-/);
    expect(
      judge(
        saw(5),
        { requests: 9, tokens: { input: 9000, cachedInput: 0, cacheWriteInput: 0, output: 900 } },
        31_500_000,
      ),
    ).toEqual([]);
    expect(judge(saw(97), {}, 350_000_000, { minCoverage: 0.9 })).toEqual([]);
  });

  it('raises cost_drift beyond 2% of the bill and $0.01, naming the cause', () => {
    expect(judge({}, {}, 357_000_000)).toEqual([]);
    const [found] = judge({ costNanos: 280_000_000 }, {}, 350_000_000);
    expect(found).toMatchObject({
      kind: 'cost_drift',
      value: 280_000_000,
      baseline: 350_000_000,
      factor: 0.8,
    });
    expect(found!.message).toContain('override acme/negotiated (20% off)');
    expect(judge({ costNanos: 1_000_000 }, {}, 2_000_000)).toEqual([]);
  });
});

describe('overrideLookup', () => {
  it('names a discount rule and a price-list override; nothing for catalog-priced models', () => {
    const lookup = overrideLookup('openai', [
      {
        id: 'acme/mini',
        version: 1,
        provider: 'openai',
        model: 'gpt-4o-mini*',
        kind: 'discount',
        discountPercent: '20',
        source: 'x',
      },
      {
        id: 'acme/ft',
        version: 1,
        provider: 'openai',
        model: 'ft:gpt-4o:acme',
        kind: 'prices',
        perMillion: { input: '1', output: '2' },
        source: 'x',
      },
    ]);
    expect(lookup('gpt-4o-mini-2024-07-18', DAY)).toEqual({
      ruleId: 'acme/mini',
      ruleKind: 'discount',
      discountPercent: '20',
    });
    expect(lookup('ft:gpt-4o:acme', DAY)).toEqual({ ruleId: 'acme/ft', ruleKind: 'prices' });
    expect(lookup('gpt-4o', DAY)).toBeUndefined();
    expect(overrideLookup('openai', [])('gpt-4o', DAY)).toBeUndefined();
  });
});

describe('provider accounts', () => {
  it('gives each project its accounts with the shared admin key', () => {
    const config = parseProviderAccounts(
      JSON.stringify({
        adminKeys: { openai: 'sk-admin-shared' },
        projects: {
          acme: {
            openai: { projectIds: ['proj_a'] },
            anthropic: { adminKey: 'sk-ant-admin01-own', workspaceIds: ['wrkspc_a'] },
          },
        },
      }),
    );
    expect(accountsOf(config, 'acme')).toEqual([
      { provider: 'anthropic', adminKey: 'sk-ant-admin01-own', scope: { workspaceIds: ['wrkspc_a'] } },
      { provider: 'openai', adminKey: 'sk-admin-shared', scope: { projectIds: ['proj_a'] } },
    ]);
    expect(accountsOf(config, 'other')).toEqual([]);
  });

  it('names the path of a problem, never a value', () => {
    const secret = 'sk-admin-SECRET-value';
    const attempt = (text: string) => {
      try {
        parseProviderAccounts(text);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidProviderAccountsError);
        return (error as Error).message;
      }
      throw new Error('expected a failure');
    };
    expect(
      attempt(`{"projects": {"acme": {"openai": {"adminKey": 42, "note": "${secret}"}}}}`),
    ).not.toContain(secret);
    expect(
      attempt(JSON.stringify({ projects: { acme: { openai: { projectIds: [secret, 5] } } } })),
    ).not.toContain(secret);
    expect(attempt(`${secret}`)).toBe('invalid provider accounts: (root): not JSON');
    expect(attempt('{"projects": {"acme": {"openai": {}}}}')).toContain('projects.acme.openai.adminKey');
  });
});
