/**
 * Normalize + price throughput on a realistic mix of provider responses (chat, responses API,
 * Anthropic with cache writes, Gemini long context, Bedrock Converse/InvokeModel, Mistral, streams),
 * next to a naive baseline measured in the same run: a linear scan over every catalog rule, with a
 * RegExp compiled from each pattern and every price string parsed on every call.
 */
import { usdToNanos } from '../../shared/domain/money';
import { type NormalizedUsage, normalizeUsage } from '../../shared/domain/normalize';
import {
  type CostBreakdown,
  costNanos,
  modelLookupKeys,
  type PriceListRule,
  type PricePerMillion,
  priceUsage,
  providerSearchKeys,
  shippedCatalog,
} from '../../shared/domain/pricing';
import * as raw from '../unit/normalize/fixtures';
import { measure, table } from './measure';

const CATALOG = shippedCatalog();

interface Interaction {
  provider: string;
  model: string;
  response: unknown;
  at: string;
  batch?: boolean;
}

const MIX: Interaction[] = [
  {
    provider: 'openai',
    model: 'o3-2025-04-16',
    response: raw.openAiChatCachedReasoning,
    at: '2025-07-01T00:00:00Z',
  },
  {
    provider: 'openai',
    model: 'gpt-5-2025-08-07',
    response: raw.openAiResponses,
    at: '2025-09-01T00:00:00Z',
  },
  {
    provider: 'openai',
    model: 'gpt-5',
    response: raw.openAiResponses,
    at: '2025-09-01T00:00:00Z',
    batch: true,
  },
  { provider: 'openai', model: 'gpt-4o-mini', response: raw.openAiChatStream, at: '2025-02-01T00:00:00Z' },
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    response: raw.openAiEmbeddings,
    at: '2025-02-01T00:00:00Z',
  },
  {
    provider: 'azure-openai',
    model: 'gpt-4o-2024-11-20',
    response: raw.azureChat,
    at: '2025-02-01T00:00:00Z',
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    response: raw.anthropicMessageWithCache,
    at: '2025-10-15T00:00:00Z',
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5-20251001',
    response: raw.anthropicStream,
    at: '2025-11-01T00:00:00Z',
  },
  {
    provider: 'google',
    model: 'gemini-2.5-pro',
    response: raw.geminiLongContextThinking,
    at: '2025-08-01T00:00:00Z',
  },
  {
    provider: 'vertex',
    model: 'gemini-2.5-flash',
    response: raw.vertexGeminiAudio,
    at: '2025-08-01T00:00:00Z',
  },
  { provider: 'gemini', model: 'gemini-2.0-flash', response: raw.geminiStream, at: '2025-03-01T00:00:00Z' },
  {
    provider: 'bedrock',
    model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    response: raw.bedrockConverseCached,
    at: '2025-03-01T00:00:00Z',
  },
  {
    provider: 'bedrock',
    model: 'amazon.nova-pro-v1:0',
    response: raw.bedrockNova,
    at: '2025-03-01T00:00:00Z',
  },
  {
    provider: 'bedrock',
    model: 'meta.llama3-3-70b-instruct-v1:0',
    response: raw.bedrockLlama,
    at: '2025-03-01T00:00:00Z',
  },
  {
    provider: 'mistral',
    model: 'mistral-small-latest',
    response: raw.mistralChat,
    at: '2025-08-01T00:00:00Z',
  },
  // Today's ids: geo and global Bedrock profiles, a Vertex resource name, Claude on Vertex, xAI, Groq.
  {
    provider: 'bedrock',
    model: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    response: raw.bedrockConverseCached,
    at: '2026-11-01T00:00:00Z',
  },
  {
    provider: 'bedrock',
    model: 'global.anthropic.claude-sonnet-4-6',
    response: raw.bedrockConverseCached,
    at: '2026-11-01T00:00:00Z',
  },
  {
    provider: 'vertex',
    model: 'projects/acme/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    response: raw.anthropicMessageWithCache,
    at: '2026-11-01T00:00:00Z',
  },
  {
    provider: 'google',
    model: 'publishers/google/models/gemini-3.5-flash',
    response: raw.geminiLongContextThinking,
    at: '2026-11-01T00:00:00Z',
  },
  { provider: 'openai', model: 'gpt-5.5', response: raw.openAiResponses, at: '2026-11-01T00:00:00Z' },
  { provider: 'xai', model: 'grok-4.3', response: raw.openAiChatCachedReasoning, at: '2026-11-01T00:00:00Z' },
  { provider: 'groq', model: 'openai/gpt-oss-120b', response: raw.mistralChat, at: '2026-11-01T00:00:00Z' },
  {
    provider: 'openai',
    model: 'gpt-99-unknown',
    response: raw.openAiChatCachedReasoning,
    at: '2025-08-01T00:00:00Z',
  },
];

export async function run(): Promise<void> {
  const usages = MIX.map((item) => normalizeUsage({ provider: item.provider, response: item.response }));
  // The baseline must agree with the engine, or the comparison means nothing.
  for (const [i, item] of MIX.entries()) {
    const engine = priceUsage({ ...item, usage: usages[i] });
    const naive = naivePrice(item, usages[i]);
    if (engine.totalNanos !== naive.totalNanos || engine.ruleId !== naive.ruleId) {
      throw new Error(
        `baseline disagrees on ${item.model}: ${engine.totalNanos}/${engine.ruleId} vs ${naive.totalNanos}/${naive.ruleId}`,
      );
    }
  }

  let i = 0;
  const next = () => MIX[i++ % MIX.length]!;
  const engine = measure(() => {
    const item = next();
    return priceUsage({
      ...item,
      usage: normalizeUsage({ provider: item.provider, response: item.response }),
    });
  }, 2000);
  const priceOnly = measure(() => {
    const k = i++ % MIX.length;
    return priceUsage({ ...MIX[k]!, usage: usages[k] });
  }, 2000);
  const baseline = measure(() => {
    const item = next();
    return naivePrice(item, normalizeUsage({ provider: item.provider, response: item.response }));
  }, 2000);

  process.stdout.write(
    table([
      ['variant', 'interactions/s', 'vs baseline'],
      [
        'normalize + price (indexed catalog)',
        engine.perSecond,
        `${(engine.perSecond / baseline.perSecond).toFixed(1)}x`,
      ],
      [
        'price only (indexed catalog)',
        priceOnly.perSecond,
        `${(priceOnly.perSecond / baseline.perSecond).toFixed(1)}x`,
      ],
      ['baseline: normalize + linear scan, RegExp per call', baseline.perSecond, '1.0x'],
    ]),
  );
  process.stdout.write(`mix: ${MIX.length} interactions, ${CATALOG.length} catalog rules\n`);
}

/** The naive way: scan every rule, compile each pattern, parse every price, on every call. */
function naivePrice(item: Interaction, usage: NormalizedUsage | undefined): CostBreakdown {
  const zero = {
    inputNanos: 0,
    cachedInputNanos: 0,
    cacheWriteNanos: 0,
    outputNanos: 0,
    reasoningNanos: 0,
    totalNanos: 0,
  };
  if (!usage) return { priced: false, currency: 'USD', ...zero, unpricedReason: 'missing_usage' };
  const providers = providerSearchKeys(item.provider);
  const atMs = Date.parse(item.at);
  let best: { rule: PriceListRule; score: number } | undefined;
  for (const model of modelLookupKeys(providers[0]!, item.model)) {
    best = naiveMatch(providers, model, atMs);
    if (best) break;
  }
  if (!best) return { priced: false, currency: 'USD', ...zero, unpricedReason: 'unknown_model' };
  const { rule } = best;
  const tier = [...(rule.tiers ?? [])]
    .sort((a, b) => b.aboveInputTokens - a.aboveInputTokens)
    .find((t) => usage.inputTokens > t.aboveInputTokens);
  const prices: PricePerMillion = tier ? tier.perMillion : rule.perMillion;
  const nanos = (value: string | undefined, fallback: string) => BigInt(usdToNanos(value ?? fallback));
  const keep =
    item.batch && rule.batch?.discountPercent
      ? [BigInt(1_000_000 - Number(rule.batch.discountPercent) * 10_000)]
      : [];
  const writes = usage.cacheWriteInputTokens;
  const write1h = usage.cacheWrite1hInputTokens ?? 0;
  const uncached = usage.inputTokens - usage.cachedInputTokens - writes;
  const audioIn = Math.min(usage.audioInputTokens ?? 0, uncached);
  const imageIn = Math.min(usage.imageInputTokens ?? 0, uncached - audioIn);
  const visible = usage.outputTokens - usage.reasoningTokens;
  const audioOut = Math.min(usage.audioOutputTokens ?? 0, visible);
  const imageOut = Math.min(usage.imageOutputTokens ?? 0, visible - audioOut);
  const cacheWrite = prices.cacheWrite ?? prices.input;
  const parts = [
    costNanos(
      [
        [uncached - audioIn - imageIn, nanos(prices.input, '0')],
        [audioIn, nanos(prices.audioInput, prices.input)],
        [imageIn, nanos(prices.imageInput, prices.input)],
      ],
      keep,
    ),
    costNanos([[usage.cachedInputTokens, nanos(prices.cachedInput, prices.input)]], keep),
    costNanos(
      [
        [writes - write1h, nanos(prices.cacheWrite, prices.input)],
        [write1h, nanos(prices.cacheWrite1h, cacheWrite)],
      ],
      keep,
    ),
    costNanos(
      [
        [visible - audioOut - imageOut, nanos(prices.output, '0')],
        [audioOut, nanos(prices.audioOutput, prices.output)],
        [imageOut, nanos(prices.imageOutput, prices.output)],
      ],
      keep,
    ),
    costNanos([[usage.reasoningTokens, nanos(prices.reasoning, prices.output)]], keep),
  ];
  const [inputNanos, cachedInputNanos, cacheWriteNanos, outputNanos, reasoningNanos] = parts as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    priced: true,
    currency: 'USD',
    inputNanos,
    cachedInputNanos,
    cacheWriteNanos,
    outputNanos,
    reasoningNanos,
    totalNanos: parts.reduce((sum, part) => sum + part, 0),
    ruleId: rule.id,
    ruleVersion: rule.version,
  };
}

/** One linear scan of the catalog for one lookup id, a RegExp compiled per pattern. */
function naiveMatch(
  providers: string[],
  model: string,
  atMs: number,
): { rule: PriceListRule; score: number } | undefined {
  let best: { rule: PriceListRule; score: number } | undefined;
  for (const rule of CATALOG) {
    if (rule.kind === 'discount') continue;
    const providerRank = providers.indexOf(rule.provider);
    if (providerRank < 0) continue;
    const from = rule.effectiveFrom ? Date.parse(rule.effectiveFrom) : Number.NEGATIVE_INFINITY;
    const to = rule.effectiveTo ? Date.parse(rule.effectiveTo) : Number.POSITIVE_INFINITY;
    if (atMs < from || atMs >= to) continue;
    for (const pattern of [rule.model, ...(rule.aliases ?? [])]) {
      const regex = new RegExp(
        `^${pattern
          .toLowerCase()
          .replace(/[.+?^${}()|[\]\\-]/g, '\\$&')
          .replace(/\*$/, '.*')}$`,
      );
      if (!regex.test(model)) continue;
      const score = (providers.length - providerRank) * 1e6 + (pattern.endsWith('*') ? pattern.length : 1e5);
      if (!best || score > best.score) best = { rule, score };
    }
  }
  return best;
}
