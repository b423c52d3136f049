/**
 * Our corrections to the price database, each with the page it comes from and why: what the
 * database gets wrong (first-match `contains` patterns that price one model as another, history it
 * lacks), what it does not carry (fine-tune prices it lacks, service tiers, Vertex's regional premium,
 * audio prices), and what we exclude on purpose. `npm run pricing:compare` lists every one as an
 * intended disagreement, with its reason.
 */
import { nanosToUsdString, usdToNanos } from '../../shared/domain/money';
import type { PriceListRule, PricePerMillion } from '../../shared/domain/pricing/types';

export interface Correction {
  /** Our provider name. */
  provider: string;
  /** The database model corrected; absent for rules the database lacks (`add`). */
  dbModelId?: string;
  /** Why the database is not taken as is. */
  reason: string;
  /** The vendor page (or announcement) the correction is taken from. */
  source: string;
  /** Leave the model out of our catalog. */
  exclude?: boolean;
  /** Replace the model's patterns. */
  patterns?: (patterns: string[]) => string[];
  /** Replace or adjust the model's rules. */
  rules?: (rules: PriceListRule[]) => PriceListRule[];
  /** Rules the database lacks. */
  add?: PriceListRule[];
}

const OPENAI_PRICING = 'https://platform.openai.com/docs/pricing';
const ANTHROPIC_PRICING = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const GEMINI_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';
const VERTEX_PRICING = 'https://cloud.google.com/vertex-ai/generative-ai/pricing';
const BEDROCK_PRICING = 'https://aws.amazon.com/bedrock/pricing/';
const BEDROCK_BATCH = 'https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference.html';

/** Our batch discounts (the database has none): the first entry for the provider applies. */
export const BATCH_DISCOUNTS: { provider: string; percent: string; except?: RegExp; source: string }[] = [
  // Realtime, audio and TTS/transcription models are not available through the Batch API.
  {
    provider: 'openai',
    percent: '50',
    except: /realtime|audio|tts|transcribe|whisper|search|computer-use|^ft:/,
    source: 'https://platform.openai.com/docs/guides/batch',
  },
  {
    provider: 'azure',
    percent: '50',
    except: /realtime|audio|tts|transcribe|whisper/,
    source: 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/batch',
  },
  {
    provider: 'anthropic',
    percent: '50',
    source: 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing',
  },
  {
    provider: 'google',
    percent: '50',
    except: /live|tts|native-audio|^regional\.|claude/,
    source: 'https://ai.google.dev/gemini-api/docs/batch-mode',
  },
  { provider: 'bedrock', percent: '50', source: BEDROCK_BATCH },
  { provider: 'mistral', percent: '50', source: 'https://docs.mistral.ai/capabilities/batch/' },
  { provider: 'groq', percent: '50', source: 'https://console.groq.com/docs/batch' },
  { provider: 'together', percent: '50', source: 'https://docs.together.ai/docs/batch-inference' },
  { provider: 'xai', percent: '50', source: 'https://docs.x.ai/docs/guides/batch' },
];

/**
 * Prices scaled by a decimal factor, exactly (the regional premium: `1.1`).
 *
 * @example
 * scaled({ input: '3', output: '15' }, 11n, 10n); // { input: '3.3', output: '16.5' }
 */
export function scaled(prices: PricePerMillion, numerator: bigint, denominator: bigint): PricePerMillion {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(prices)) {
    const nanos = BigInt(usdToNanos(value as string)) * numerator;
    if (nanos % denominator !== 0n)
      throw new Error(`${key} ${value} × ${numerator}/${denominator} is not exact`);
    result[key] = nanosToUsdString(Number(nanos / denominator)).replace(/\.?0+$/, '');
  }
  return result as unknown as PricePerMillion;
}

/** Vertex AI bills Claude 4.5 and later 10% above the global endpoint on regional endpoints. */
function vertexRegional(rules: PriceListRule[]): PriceListRule[] {
  const regional = rules.map((rule) => {
    const [model, ...aliases] = [rule.model, ...(rule.aliases ?? [])].map((pattern) => `regional.${pattern}`);
    const copy: PriceListRule = {
      ...rule,
      id: rule.id.replace(/^google\//, 'google/regional.'),
      model: model!,
      perMillion: scaled(rule.perMillion, 11n, 10n),
    };
    if (aliases.length > 0) copy.aliases = aliases;
    if (rule.tiers)
      copy.tiers = rule.tiers.map((tier) => ({ ...tier, perMillion: scaled(tier.perMillion, 11n, 10n) }));
    return copy;
  });
  return [...rules, ...regional];
}

const VERTEX_REGIONAL_REASON =
  'Vertex AI regional endpoints bill Claude Sonnet/Haiku 4.5 and later 10% above the global endpoint; the database has only the global price (a resource name with a regional location is priced with the `regional.` rule)';

/** A rule of our own (corrections only). */
function rule(
  provider: string,
  id: string,
  patterns: string[],
  perMillion: PricePerMillion,
  extra: Partial<PriceListRule> = {},
): PriceListRule {
  const [model, ...aliases] = patterns;
  const result: PriceListRule = {
    id: `${provider}/${id}`,
    version: 1,
    provider,
    model: model!,
    source: '',
    perMillion,
    ...extra,
  };
  if (aliases.length > 0) result.aliases = aliases;
  return result;
}

/**
 * Adds the price a model had before `until` (the database starts its chain later): the earlier rule
 * covers `patterns` only (an alias, not snapshots launched later at the new price), and the current
 * rule is renamed `<id>@<until>` as every dated rule is.
 */
function earlierPrice(
  until: string,
  patterns: string[],
  perMillion: PricePerMillion,
  extra: Partial<PriceListRule> = {},
): (rules: PriceListRule[]) => PriceListRule[] {
  return (rules) => {
    const current = rules.find((entry) => entry.effectiveFrom === undefined);
    if (!current) throw new Error(`no undated rule to put ${until} history before`);
    const [model, ...aliases] = patterns;
    const earlier: PriceListRule = { ...current, model: model!, perMillion, effectiveTo: until, ...extra };
    delete earlier.tiers;
    if (extra.tiers) earlier.tiers = extra.tiers;
    if (aliases.length > 0) earlier.aliases = aliases;
    else delete earlier.aliases;
    const renamed = { ...current, id: `${current.id}@${until}`, effectiveFrom: until };
    return [earlier, ...rules.map((entry) => (entry === current ? renamed : entry))];
  };
}

const CLAUDE_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';

/** OpenAI's Flex tier (50% off) and Priority tier prices, for the models whose rows list them. */
function openAiServiceTiers(priority?: PricePerMillion): (rules: PriceListRule[]) => PriceListRule[] {
  return (rules) =>
    rules.map((entry) => ({
      ...entry,
      serviceTiers: {
        flex: { discountPercent: '50' },
        ...(priority ? { priority: { perMillion: priority } } : {}),
      },
    }));
}

export const CORRECTIONS: Correction[] = [
  {
    provider: 'openai',
    dbModelId: 'gpt-5.5',
    reason: 'the database has no service tiers: Flex is 50% off, Priority $12.50/$1.25 cached/$75',
    source: OPENAI_PRICING,
    rules: openAiServiceTiers({ input: '12.5', cachedInput: '1.25', output: '75' }),
  },
  {
    provider: 'openai',
    dbModelId: 'gpt-5.4',
    reason: 'the database has no service tiers: Flex is 50% off, Priority $5/$0.50 cached/$30',
    source: OPENAI_PRICING,
    rules: openAiServiceTiers({ input: '5', cachedInput: '0.5', output: '30' }),
  },
  ...['gpt-5.4-mini', 'gpt-5.4-nano'].map(
    (dbModelId): Correction => ({
      provider: 'openai',
      dbModelId,
      reason: 'the database has no service tiers: Flex is 50% off (Priority is not listed for this model)',
      source: OPENAI_PRICING,
      rules: openAiServiceTiers(),
    }),
  ),
  {
    provider: 'anthropic',
    reason:
      'Claude Haiku 5.5 and Sonnet 5.5 are missing from the database (Sonnet 5.5 ids fall to Sonnet 5, whose cache hits cost twice as much since 2026-10-07); Haiku 5.5 bills the whole request at higher rates above 100K prompt tokens',
    source: CLAUDE_PRICING,
    add: [
      rule(
        'anthropic',
        'claude-haiku-5-5',
        ['claude-haiku-5-5*', 'claude-haiku-5.5*'],
        {
          input: '0.1',
          cacheWrite: '0.125',
          cacheWrite1h: '0.2',
          cachedInput: '0.01',
          output: '0.5',
        },
        {
          tiers: [
            {
              aboveInputTokens: 100_000,
              perMillion: {
                input: '0.5',
                cacheWrite: '0.625',
                cacheWrite1h: '1',
                cachedInput: '0.05',
                output: '2.5',
              },
            },
          ],
        },
      ),
      rule(
        'anthropic',
        'claude-sonnet-5-5',
        ['claude-sonnet-5-5*', 'claude-sonnet-5.5*'],
        {
          input: '2',
          cacheWrite: '2.5',
          cacheWrite1h: '4',
          cachedInput: '0.2',
          output: '10',
        },
        { effectiveTo: '2026-10-07' },
      ),
      rule(
        'anthropic',
        'claude-sonnet-5-5@2026-10-07',
        ['claude-sonnet-5-5*', 'claude-sonnet-5.5*'],
        {
          input: '2',
          cacheWrite: '2.5',
          cacheWrite1h: '4',
          cachedInput: '0.1',
          output: '10',
        },
        { effectiveFrom: '2026-10-07' },
      ),
    ],
  },
  {
    provider: 'mistral',
    dbModelId: 'mistral-small-2603',
    reason:
      'Mistral Small 4 is `mistral-small-2603`; clients also send `mistral-small-4`, unknown to the database',
    source: 'https://docs.mistral.ai/getting-started/models',
    patterns: (patterns) => [...patterns, 'mistral-small-4*'],
  },
  {
    provider: 'openai',
    dbModelId: 'gpt-4o',
    reason:
      'the gpt-4o alias pointed at gpt-4o-2024-05-13 ($5/$15) until 2024-10-02; the database has no history',
    source: 'https://platform.openai.com/docs/deprecations',
    rules: earlierPrice(
      '2024-10-02',
      ['gpt-4o'],
      { input: '5', output: '15' },
      { effectiveFrom: '2024-05-13' },
    ),
  },
  {
    provider: 'google',
    dbModelId: 'gemini-1.5-pro',
    reason:
      'Gemini 1.5 Pro cost $3.50/$10.50 (above 128K: $7/$21) before the 2024-10-01 price cut; the database has no history',
    source:
      'https://developers.googleblog.com/en/updated-production-ready-gemini-models-reduced-15-pro-pricing-increased-rate-limits-and-more/',
    rules: earlierPrice(
      '2024-10-01',
      ['gemini-1.5-pro*'],
      { input: '3.5', cachedInput: '0.875', output: '10.5' },
      {
        tiers: [{ aboveInputTokens: 128_000, perMillion: { input: '7', cachedInput: '1.75', output: '21' } }],
      },
    ),
  },
  {
    provider: 'mistral',
    dbModelId: 'mistral-large',
    reason: 'Mistral Large 2407 cost $3/$9 before the 2024-09-17 price cut; the database has no history',
    source: 'https://mistral.ai/news/september-24-release',
    rules: earlierPrice('2024-09-17', ['mistral-large-2407'], { input: '3', output: '9' }),
  },
  {
    provider: 'openai',
    dbModelId: 'o3',
    reason:
      'o3 cached input was $2.50/M (25% of input) until the 2025-06-10 price cut; the database carries $0.50 back to launch',
    source: OPENAI_PRICING,
    rules: (rules) =>
      rules.map((entry) =>
        entry.effectiveTo === '2025-06-10'
          ? { ...entry, effectiveFrom: '2025-04-16', perMillion: { ...entry.perMillion, cachedInput: '2.5' } }
          : entry,
      ),
  },
  {
    provider: 'openai',
    dbModelId: 'gpt-4o-audio-preview',
    reason: 'audio tokens are billed at $40/M input and $80/M output; the database prices them as text',
    source: 'https://platform.openai.com/docs/models/gpt-4o-audio-preview',
    rules: (rules) =>
      rules.map((entry) => ({
        ...entry,
        perMillion: { ...entry.perMillion, audioInput: '40', audioOutput: '80' },
      })),
  },
  {
    provider: 'openai',
    dbModelId: 'gpt-4o-mini-audio-preview',
    reason: 'audio tokens are billed at $10/M input and $20/M output; the database prices them as text',
    source: 'https://platform.openai.com/docs/models/gpt-4o-mini-audio-preview',
    rules: (rules) =>
      rules.map((entry) => ({
        ...entry,
        perMillion: { ...entry.perMillion, audioInput: '10', audioOutput: '20' },
      })),
  },
  {
    provider: 'anthropic',
    dbModelId: 'claude-sonnet-4-0',
    reason:
      'Claude Sonnet 4 billed the whole request at $6/$22.50 above 200K input tokens (1M context beta); the database has no tier',
    source: ANTHROPIC_PRICING,
    rules: (rules) =>
      rules.map((entry) => ({
        ...entry,
        tiers: [
          {
            aboveInputTokens: 200_000,
            perMillion: {
              input: '6',
              cacheWrite: '7.5',
              cacheWrite1h: '12',
              cachedInput: '0.6',
              output: '22.5',
            },
          },
        ],
      })),
  },
  {
    provider: 'bedrock',
    dbModelId: 'amazon.titan-embed-text-v1',
    reason:
      'the database matches every `amazon.titan-embed-text` id, so Titan Text Embeddings V2 ($0.02/M) was priced as V1 ($0.10/M)',
    source: BEDROCK_PRICING,
    patterns: () => ['amazon.titan-embed-text-v1*'],
    add: [
      rule('bedrock', 'amazon.titan-embed-text-v2', ['amazon.titan-embed-text-v2*'], {
        input: '0.02',
        output: '0',
      }),
    ],
  },
  {
    provider: 'bedrock',
    dbModelId: 'regional.amazon.nova-2-lite-v1:0',
    reason:
      'the in-region id (no inference profile) is billed at the regional price; the database lists only the us./eu./jp. profiles',
    source: BEDROCK_PRICING,
    patterns: (patterns) => [...patterns, 'amazon.nova-2-lite*'],
  },
  {
    provider: 'google',
    dbModelId: 'gemini-1.5-flash',
    reason:
      'the database prices gemini-1.5-flash-8b (and its -001/-latest ids) as Gemini 1.5 Flash; 8B is $0.0375/$0.15 (above 128K: $0.075/$0.30)',
    source: GEMINI_PRICING,
    add: [
      rule(
        'google',
        'gemini-1.5-flash-8b',
        ['gemini-1.5-flash-8b*'],
        { input: '0.0375', cachedInput: '0.01', output: '0.15' },
        {
          tiers: [
            { aboveInputTokens: 128_000, perMillion: { input: '0.075', cachedInput: '0.02', output: '0.3' } },
          ],
        },
      ),
    ],
  },
  ...[
    'claude-sonnet-4-5',
    'claude-sonnet-4-6',
    'claude-opus-4-6',
    'claude-opus-4-7',
    'claude-opus-4-8',
    'claude-opus-5',
    'claude-opus-5-5',
  ].map(
    (dbModelId): Correction => ({
      provider: 'google',
      dbModelId,
      reason: VERTEX_REGIONAL_REASON,
      source: VERTEX_PRICING,
      rules: vertexRegional,
    }),
  ),
  {
    provider: 'google',
    reason: `${VERTEX_REGIONAL_REASON}; Haiku 4.5 on Vertex is otherwise priced from Anthropic's list`,
    source: VERTEX_PRICING,
    add: vertexRegional([
      rule('google', 'claude-haiku-4-5', ['claude-haiku-4-5*'], {
        input: '1',
        cacheWrite: '1.25',
        cacheWrite1h: '2',
        cachedInput: '0.1',
        output: '5',
      }),
    ]),
  },
];
