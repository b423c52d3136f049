/**
 * Reads the pinned price database `@pydantic/genai-prices` (a devDependency, used at build time only)
 * and converts each model into our rule format. The conversion is mechanical; what the database gets
 * wrong is fixed by `corrections.ts`, never here.
 *
 * - Match logic → our patterns: `equals` → exact id, `starts_with` and `contains` → prefix (our ids are
 *   canonicalized first, so a `contains` on a wrapped id is a prefix of the canonical id), `ends_with`
 *   → exact, `^literal\d…` regexes → ten `literal<digit>*` prefixes, `and` → its `starts_with` part.
 * - Floats → exact decimal strings (at most 9 decimals, checked to round-trip).
 * - Dated price chains (`start_date`) → `effectiveFrom` / `effectiveTo`; time-of-day prices → rules
 *   with `timeOfDayUtc`, in effect from the latest date of the chain before them.
 * - Per-key tiers → whole-request tiers on input tokens (the database's own semantics, and how
 *   Anthropic, Google and xAI bill long context).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitForUpdate } from '@pydantic/genai-prices';
import type { PriceListRule, PricePerMillion, PriceTier } from '../../shared/domain/pricing/types';

export type MatchLogic =
  | { and: MatchLogic[] }
  | { or: MatchLogic[] }
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string };

type Tiered = { base: number; tiers: { start: number; price: number }[] };
type DbPrices = Record<string, number | Tiered | undefined>;
type Constraint =
  | { type: 'start_date'; start_date: string }
  | { type: 'time_of_date'; start_time: string; end_time: string };

export interface DbModel {
  id: string;
  name?: string;
  match: MatchLogic;
  prices: DbPrices | { constraint?: Constraint; prices: DbPrices }[];
  deprecated?: boolean;
  price_comments?: string;
}

export interface DbProvider {
  id: string;
  name: string;
  pricing_urls?: string[];
  models: DbModel[];
}

/** Database provider id → our provider name (see `shared/domain/normalize/provider.ts`). */
export const PROVIDER_NAMES: Record<string, string> = { aws: 'bedrock', 'x-ai': 'xai' };

/** Database providers not carried: not an API that applications call per token with our ids. */
export const SKIPPED_PROVIDERS: Record<string, string> = {
  cursor: 'an IDE subscription, not an API',
  'github-copilot': 'billed in Copilot credits per seat, not an API',
  typesafe: 'not an inference API',
  modal: 'priced per GPU second',
};
const isHuggingFaceRoute = (id: string) => id.startsWith('huggingface_');

/** The database's prices, grouped by provider, as shipped in the pinned package. */
export async function loadDatabase(): Promise<DbProvider[]> {
  const data = (await waitForUpdate()) as unknown as DbProvider[] | null;
  if (!data) throw new Error('@pydantic/genai-prices returned no data');
  return data;
}

/** The version of the pinned package (for headers and notes). */
export async function databaseVersion(): Promise<string> {
  const pkg = JSON.parse(
    await readFile(join(__dirname, '../../node_modules/@pydantic/genai-prices/package.json'), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

/** True when the provider is carried into our catalog. */
export function carriedProvider(id: string): boolean {
  return !(id in SKIPPED_PROVIDERS) && !isHuggingFaceRoute(id);
}

/** Our provider name for a database provider id. */
export const ourProvider = (id: string): string => PROVIDER_NAMES[id] ?? id;

/** What did not convert cleanly, for the build's report. */
export interface ConversionIssue {
  provider: string;
  model: string;
  issue: string;
}

/**
 * Our patterns for one database match expression (lower case, `*` suffix for prefixes).
 *
 * @example
 * patternsOf({ or: [{ equals: 'gpt-4o' }, { starts_with: 'gpt-4o-2024' }] }, []); // ['gpt-4o', 'gpt-4o-2024*']
 */
export function patternsOf(match: MatchLogic, issues: string[]): string[] {
  if ('or' in match) return match.or.flatMap((inner) => patternsOf(inner, issues));
  if ('and' in match) {
    const prefix = match.and.find((inner) => 'starts_with' in inner);
    issues.push(`"and" match reduced to its starts_with part: ${JSON.stringify(match)}`);
    return prefix ? patternsOf(prefix, issues) : [];
  }
  if ('equals' in match) return [match.equals.trim().toLowerCase()];
  if ('ends_with' in match) return [match.ends_with.trim().toLowerCase()];
  if ('starts_with' in match) return [`${match.starts_with.trim().toLowerCase()}*`];
  if ('contains' in match) return [`${match.contains.trim().toLowerCase()}*`];
  return regexPatterns(match.regex, issues);
}

/** `^literal$` → exact; `^literal\d…` → ten digit prefixes; anything else is reported and dropped. */
function regexPatterns(regex: string, issues: string[]): string[] {
  const parsed = /^\^((?:[a-z0-9_:/-]|\\\.)+)(\$|\\d.*)$/i.exec(regex);
  if (!parsed) {
    issues.push(`regex not converted: ${regex}`);
    return [];
  }
  const literal = parsed[1]!.replaceAll('\\.', '.').toLowerCase();
  if (parsed[2] === '$') return [literal];
  return Array.from({ length: 10 }, (_, digit) => `${literal}${digit}*`);
}

const PRICE_KEYS: Record<string, keyof PricePerMillion> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cachedInput',
  cache_write_mtok: 'cacheWrite',
  cache_write_1h_mtok: 'cacheWrite1h',
  output_reasoning_mtok: 'reasoning',
  input_audio_mtok: 'audioInput',
  output_audio_mtok: 'audioOutput',
  input_image_mtok: 'imageInput',
  output_image_mtok: 'imageOutput',
};
/** Per-call fees the database prices per thousand calls, by our fee name. */
const FEE_KEYS: Record<string, string> = { web_searches_kcount: 'webSearch', requests_kcount: 'request' };
/** Price keys with no token meaning in our usage; a model priced only by these is excluded. */
const IGNORED_KEYS = new Set(['cache_audio_read_mtok', 'cache_image_read_mtok', 'output_citation_mtok']);

/**
 * A JS number as a decimal string with at most 9 decimals (nano-USD per million tokens). A float
 * that needs more (a third of a cent, `0.08333333333333334`) is rounded and reported in `rounded`.
 *
 * @example
 * toDecimal(0.0825); // '0.0825'
 */
export function toDecimal(value: number, rounded?: string[]): string {
  const text = value.toFixed(9).replace(/\.?0+$/, '');
  if (Number(text) !== value) rounded?.push(`${value} rounded to ${text}`);
  return text;
}

interface ConvertedPrices {
  perMillion: PricePerMillion;
  tiers?: PriceTier[];
  perThousandCalls?: Record<string, string>;
  unsupported: string[];
}

function convertPrices(prices: DbPrices, issues: string[]): ConvertedPrices | undefined {
  const decimal = (value: number) => toDecimal(value, issues);
  const base: Partial<PricePerMillion> = {};
  const starts = new Set<number>();
  const fees: Record<string, string> = {};
  const unsupported: string[] = [];
  let tokenPrices = 0;
  for (const [key, value] of Object.entries(prices)) {
    if (value === undefined) continue;
    const field = PRICE_KEYS[key];
    if (field) {
      tokenPrices += 1;
      base[field] = decimal(typeof value === 'number' ? value : value.base);
      if (typeof value !== 'number') for (const tier of value.tiers) starts.add(tier.start);
    } else if (FEE_KEYS[key] && typeof value === 'number') fees[FEE_KEYS[key]] = decimal(value);
    else if (!IGNORED_KEYS.has(key)) unsupported.push(key);
  }
  // Free models (an empty price object) are priced at zero on purpose; non-token units are not.
  if (tokenPrices === 0 && (unsupported.length > 0 || Object.keys(fees).length > 0)) return undefined;
  const perMillion: PricePerMillion = { ...base, input: base.input ?? '0', output: base.output ?? '0' };
  const converted: ConvertedPrices = { perMillion, unsupported };
  if (Object.keys(fees).length > 0) converted.perThousandCalls = fees;
  const tierStarts = [...starts].sort((a, b) => a - b);
  if (tierStarts.length > 0) {
    converted.tiers = tierStarts.map((start) => {
      const tier: Partial<PricePerMillion> = {};
      for (const [key, value] of Object.entries(prices)) {
        const field = PRICE_KEYS[key];
        if (!field || value === undefined) continue;
        if (typeof value === 'number') tier[field] = decimal(value);
        else {
          let price = value.base;
          for (const step of value.tiers) if (start >= step.start) price = step.price;
          tier[field] = decimal(price);
        }
      }
      return {
        aboveInputTokens: start,
        perMillion: { ...tier, input: tier.input ?? '0', output: tier.output ?? '0' },
      };
    });
  }
  return converted;
}

/** A database model converted: its rules, or why it has none. */
export interface ConvertedModel {
  provider: string;
  dbProvider: string;
  dbModelId: string;
  patterns: string[];
  rules: PriceListRule[];
  excluded?: string;
  issues: string[];
}

/**
 * One database model → our rules (one per dated price, one per time-of-day window).
 *
 * @example
 * convertModel(openai, openai.models[0]).rules[0].id; // 'openai/ada'
 */
export function convertModel(provider: DbProvider, model: DbModel): ConvertedModel {
  const issues: string[] = [];
  const ours = ourProvider(provider.id);
  const patterns = [...new Set(patternsOf(model.match, issues))];
  const result: ConvertedModel = {
    provider: ours,
    dbProvider: provider.id,
    dbModelId: model.id,
    patterns,
    rules: [],
    issues,
  };
  if (patterns.length === 0) {
    result.excluded = 'no usable match pattern';
    return result;
  }
  const source = provider.pricing_urls?.[0] ?? 'https://github.com/pydantic/genai-prices';
  const chain = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
  // Dated entries, oldest first; the unconstrained entry is the price before the first date.
  const dated = chain
    .filter((entry) => entry.constraint?.type !== 'time_of_date')
    .map((entry) => ({
      from: entry.constraint?.type === 'start_date' ? entry.constraint.start_date : undefined,
      prices: entry.prices,
    }))
    .sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
  const lastDate = dated.at(-1)?.from;
  const baseId = `${ours}/${model.id.toLowerCase()}`;
  const [first, ...aliases] = patterns;
  const make = (
    prices: DbPrices,
    from: string | undefined,
    to: string | undefined,
    window?: { start: string; end: string },
  ): PriceListRule | undefined => {
    const converted = convertPrices(prices, issues);
    if (!converted) return undefined;
    if (converted.unsupported.length > 0)
      issues.push(`price keys not carried: ${converted.unsupported.join(', ')}`);
    const suffix = `${window ? `@${window.start}-${window.end}` : ''}${from ? `@${from}` : ''}`;
    const rule: PriceListRule = {
      id: `${baseId}${suffix}`,
      version: 1,
      provider: ours,
      model: first!,
      source,
      perMillion: converted.perMillion,
    };
    if (aliases.length > 0) rule.aliases = aliases;
    if (from) rule.effectiveFrom = from;
    if (to) rule.effectiveTo = to;
    if (window) rule.timeOfDayUtc = window;
    if (converted.tiers) rule.tiers = converted.tiers;
    if (converted.perThousandCalls) rule.perThousandCalls = converted.perThousandCalls;
    rule.note = `@pydantic/genai-prices model ${provider.id}/${model.id}`;
    return rule;
  };
  for (const [i, entry] of dated.entries()) {
    const rule = make(entry.prices, entry.from, dated[i + 1]?.from);
    if (rule) result.rules.push(rule);
  }
  for (const entry of chain) {
    if (entry.constraint?.type !== 'time_of_date') continue;
    const window = {
      start: entry.constraint.start_time.slice(0, 5),
      end: entry.constraint.end_time.slice(0, 5),
    };
    const rule = make(entry.prices, lastDate, undefined, window);
    if (rule) result.rules.push(rule);
  }
  if (result.rules.length === 0) result.excluded = 'priced in units other than tokens (hours, pages, images)';
  return result;
}
