/**
 * Rule sets compiled once into lookup indexes: prices parsed to BigInt nano-USD, dates to epoch
 * milliseconds, patterns split into an exact map and a longest-first prefix list per provider.
 */
import { providerFamily } from '../normalize/provider';
import { keepPpmFromPercentOff, priceNanos } from './arithmetic';
import { InvalidPricingRuleError } from './errors';
import type { PricePerMillion, PricingRule } from './types';

export interface CompiledPrices {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  cacheWrite1h: bigint;
  output: bigint;
  reasoning: bigint;
  audioInput: bigint;
  audioOutput: bigint;
  imageInput: bigint;
  imageOutput: bigint;
}

export interface CompiledTier {
  aboveInputTokens: number;
  name: string;
  prices: CompiledPrices;
  batchPrices?: CompiledPrices;
}

export interface CompiledRule {
  rule: PricingRule;
  fromMs: number;
  toMs: number;
  /** Daily UTC window in minutes (`timeOfDayUtc`); absent when the rule applies all day. */
  window?: { start: number; end: number };
  prices?: CompiledPrices;
  /** Highest threshold first. */
  tiers: CompiledTier[];
  batchPrices?: CompiledPrices;
  batchKeepPpm?: bigint;
  /** Discount rules: parts per million of the catalog price kept. */
  discountKeepPpm?: bigint;
  /** Other service tiers by name: explicit prices or parts per million kept. */
  serviceTiers?: Map<string, { prices?: CompiledPrices; keepPpm?: bigint }>;
  /** Per-call fees: nano-USD per thousand calls, by fee name. */
  feesPerThousand?: Map<string, bigint>;
}

interface ProviderIndex {
  exact: Map<string, CompiledRule[]>;
  /** Wildcard prefixes, longest first. */
  prefixes: { prefix: string; rules: CompiledRule[] }[];
}

export interface RuleIndex {
  byProvider: Map<string, ProviderIndex>;
  /** `provider|model` → matching rules, most specific first (time not yet applied). */
  memo: Map<string, CompiledRule[]>;
}

const MEMO_LIMIT = 20_000;
const compiledSets = new WeakMap<readonly PricingRule[], RuleIndex>();

/**
 * Compiles a rule set (memoized per array, so pass the same array to reuse the index).
 *
 * @throws {InvalidPricingRuleError} when a price, percentage or date cannot be used.
 * @example
 * const index = compileRules(shippedCatalog());
 */
export function compileRules(rules: readonly PricingRule[]): RuleIndex {
  const cached = compiledSets.get(rules);
  if (cached) return cached;
  const byProvider = new Map<string, ProviderIndex>();
  for (const rule of rules) {
    const compiled = compileRule(rule);
    const provider = providerKey(rule.provider);
    let index = byProvider.get(provider);
    if (!index) {
      index = { exact: new Map(), prefixes: [] };
      byProvider.set(provider, index);
    }
    for (const pattern of [rule.model, ...(rule.aliases ?? [])])
      addPattern(index, pattern.trim().toLowerCase(), compiled);
  }
  for (const index of byProvider.values()) {
    index.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    for (const list of index.exact.values()) list.sort(byStartDescending);
    for (const entry of index.prefixes) entry.rules.sort(byStartDescending);
  }
  const result: RuleIndex = { byProvider, memo: new Map() };
  compiledSets.set(rules, result);
  return result;
}

/**
 * The index key of a provider name: its family when known, else the lower-case name.
 *
 * @example
 * providerKey('Azure-OpenAI'); // 'azure'
 */
export function providerKey(provider: string): string {
  const family = providerFamily(provider);
  return family === 'unknown' ? provider.trim().toLowerCase() : family;
}

/**
 * Provider keys to search, in order: Azure OpenAI falls back to OpenAI's prices.
 *
 * @example
 * providerSearchKeys('azure'); // ['azure', 'openai']
 */
export function providerSearchKeys(provider: string): string[] {
  const key = providerKey(provider);
  return FALLBACK_PROVIDERS[key] ?? [key];
}

/**
 * Providers that resell other vendors' models at the vendor's list price: Azure OpenAI serves
 * OpenAI's models, Vertex AI serves Anthropic's Claude (its regional premium is a `regional.` rule).
 */
const FALLBACK_PROVIDERS: Record<string, string[]> = {
  azure: ['azure', 'openai'],
  google: ['google', 'anthropic'],
};

/**
 * Rules that match `model` for the first provider key that has any, most specific first.
 * Exact patterns come before wildcards, longer wildcard prefixes before shorter ones.
 *
 * @example
 * candidates(compileRules(shippedCatalog()), ['openai'], 'o3'); // both o3 rules, latest start first
 */
export function candidates(index: RuleIndex, providerKeys: readonly string[], model: string): CompiledRule[] {
  const key = `${providerKeys.join(',')}|${model}`;
  const memoized = index.memo.get(key);
  if (memoized) return memoized;
  const found: CompiledRule[] = [];
  for (const provider of providerKeys) {
    const providerIndex = index.byProvider.get(provider);
    if (!providerIndex) continue;
    const exact = providerIndex.exact.get(model);
    if (exact) found.push(...exact);
    for (const { prefix, rules } of providerIndex.prefixes)
      if (model.startsWith(prefix)) found.push(...rules);
  }
  if (index.memo.size >= MEMO_LIMIT) index.memo.clear();
  index.memo.set(key, found);
  return found;
}

/**
 * The first candidate in effect at `atMs` (effectiveFrom inclusive, effectiveTo exclusive).
 *
 * @example
 * inEffect(candidates(index, ['openai'], 'o3'), Date.parse('2025-07-01T00:00:00Z'))?.rule.id; // 'openai/o3@2025-06-10'
 */
export function inEffect(rules: readonly CompiledRule[], atMs: number): CompiledRule | undefined {
  for (const rule of rules) {
    if (rule.fromMs > atMs || atMs >= rule.toMs) continue;
    if (rule.window && !inWindow(rule.window, atMs)) continue;
    return rule;
  }
  return undefined;
}

const MS_PER_DAY = 86_400_000;

function inWindow(window: { start: number; end: number }, atMs: number): boolean {
  const minute = Math.floor((((atMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000);
  return window.end > window.start
    ? minute >= window.start && minute < window.end
    : minute >= window.start || minute < window.end;
}

function addPattern(index: ProviderIndex, pattern: string, compiled: CompiledRule): void {
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    const entry = index.prefixes.find((candidate) => candidate.prefix === prefix);
    if (entry) entry.rules.push(compiled);
    else index.prefixes.push({ prefix, rules: [compiled] });
    return;
  }
  const list = index.exact.get(pattern);
  if (list) list.push(compiled);
  else index.exact.set(pattern, [compiled]);
}

// Among rules with the same pattern, time-of-day rules first (they are the more specific), then the
// latest start first: the current price is found first.
function byStartDescending(a: CompiledRule, b: CompiledRule): number {
  const windowed = Number(b.window !== undefined) - Number(a.window !== undefined);
  return windowed !== 0 ? windowed : b.fromMs - a.fromMs;
}

function compileRule(rule: PricingRule): CompiledRule {
  const fromMs =
    rule.effectiveFrom === undefined ? Number.NEGATIVE_INFINITY : parseDate(rule, 'effectiveFrom');
  const toMs = rule.effectiveTo === undefined ? Number.POSITIVE_INFINITY : parseDate(rule, 'effectiveTo');
  if (fromMs >= toMs) throw new InvalidPricingRuleError(rule.id, 'effectiveTo', 'is not after effectiveFrom');
  const window = rule.timeOfDayUtc && {
    start: minuteOfDay(rule, rule.timeOfDayUtc.start),
    end: minuteOfDay(rule, rule.timeOfDayUtc.end),
  };
  if (rule.kind === 'discount') {
    return {
      rule,
      fromMs,
      toMs,
      window,
      tiers: [],
      discountKeepPpm: keepPpmFromPercentOff(rule.id, 'discountPercent', rule.discountPercent),
    };
  }
  const compiled: CompiledRule = {
    rule,
    fromMs,
    toMs,
    window,
    prices: compilePrices(rule.id, 'perMillion', rule.perMillion),
    tiers: [],
  };
  for (const [name, tier] of Object.entries(rule.serviceTiers ?? {})) {
    compiled.serviceTiers ??= new Map();
    compiled.serviceTiers.set(name.toLowerCase(), {
      prices: tier.perMillion && compilePrices(rule.id, `serviceTiers.${name}.perMillion`, tier.perMillion),
      keepPpm:
        tier.discountPercent === undefined
          ? undefined
          : keepPpmFromPercentOff(rule.id, `serviceTiers.${name}.discountPercent`, tier.discountPercent),
    });
  }
  for (const [name, usd] of Object.entries(rule.perThousandCalls ?? {})) {
    compiled.feesPerThousand ??= new Map();
    compiled.feesPerThousand.set(name, priceNanos(rule.id, `perThousandCalls.${name}`, usd));
  }
  for (const [i, tier] of (rule.tiers ?? []).entries()) {
    compiled.tiers.push({
      aboveInputTokens: tier.aboveInputTokens,
      name: `above-${tier.aboveInputTokens}`,
      prices: compilePrices(rule.id, `tiers.${i}.perMillion`, tier.perMillion),
      batchPrices:
        tier.batchPerMillion && compilePrices(rule.id, `tiers.${i}.batchPerMillion`, tier.batchPerMillion),
    });
  }
  compiled.tiers.sort((a, b) => b.aboveInputTokens - a.aboveInputTokens);
  if (rule.batch?.perMillion)
    compiled.batchPrices = compilePrices(rule.id, 'batch.perMillion', rule.batch.perMillion);
  if (rule.batch?.discountPercent !== undefined) {
    compiled.batchKeepPpm = keepPpmFromPercentOff(
      rule.id,
      'batch.discountPercent',
      rule.batch.discountPercent,
    );
  }
  return compiled;
}

function compilePrices(ruleId: string, path: string, prices: PricePerMillion): CompiledPrices {
  const price = (field: keyof PricePerMillion, fallback: bigint): bigint => {
    const value = prices[field];
    return value === undefined ? fallback : priceNanos(ruleId, `${path}.${field}`, value);
  };
  const input = price('input', 0n);
  const output = price('output', 0n);
  const cacheWrite = price('cacheWrite', input);
  return {
    input,
    cachedInput: price('cachedInput', input),
    cacheWrite,
    cacheWrite1h: price('cacheWrite1h', cacheWrite),
    output,
    reasoning: price('reasoning', output),
    audioInput: price('audioInput', input),
    audioOutput: price('audioOutput', output),
    imageInput: price('imageInput', input),
    imageOutput: price('imageOutput', output),
  };
}

function parseDate(rule: PricingRule, field: 'effectiveFrom' | 'effectiveTo'): number {
  const text = rule[field]!;
  // A bare date means midnight UTC; a date-time must carry its zone so the boundary is unambiguous.
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : zonedDateTime(text);
  if (Number.isNaN(ms))
    throw new InvalidPricingRuleError(rule.id, field, `is not an ISO date or zoned date-time: ${text}`);
  return ms;
}

function minuteOfDay(rule: PricingRule, text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new InvalidPricingRuleError(rule.id, 'timeOfDayUtc', `is not an HH:MM time: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function zonedDateTime(text: string): number {
  return /(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
}
