/**
 * The providers' report pages, as their admin APIs answer them, turned into usage and cost per
 * day × model. Pure: the adapters fetch the pages (every page, rate limits retried) and hand
 * them here, so the mapping is tested without a network.
 *
 * - OpenAI completions usage (`/v1/organization/usage/completions`, `group_by=model,batch`):
 *   `input_tokens` includes `input_cached_tokens`; `num_model_requests`; `batch`. Embeddings usage
 *   (`/v1/organization/usage/embeddings`) has the same fields without output and cache.
 * - OpenAI costs (`/v1/organization/costs`, `group_by=line_item`): `amount.value` is USD as a JSON
 *   number; a line item reads `"<model>, <usage type>"` (e.g. `gpt-4o-2024-08-06, input`).
 * - Anthropic messages usage report (`/v1/organizations/usage_report/messages`,
 *   `group_by[]=model&group_by[]=service_tier`): `uncached_input_tokens`, `cache_read_input_tokens`,
 *   `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`, `output_tokens`; it
 *   counts no requests. `service_tier: "batch"` is batch usage.
 * - Anthropic cost report (`/v1/organizations/cost_report`, `group_by[]=workspace_id&group_by[]=description`):
 *   `amount` is a decimal string of cents ("123.45" is $1.2345); `model` is null for non-token costs.
 */
import { decimalToNanos } from '../money/decimal';
import type { ProviderCost, ProviderUsage } from './types';

type Json = Record<string, unknown>;

const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const count = (value: unknown): number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
const dayOfUnixSeconds = (seconds: unknown) =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().slice(0, 10) : undefined;
const dayOfIso = (iso: unknown) =>
  typeof iso === 'string' && !Number.isNaN(Date.parse(iso))
    ? new Date(Date.parse(iso)).toISOString().slice(0, 10)
    : undefined;

/** Buckets of every page (OpenAI names the list `results`; a few documents say `result`). */
function bucketsOf(pages: readonly unknown[]): { bucket: Json; results: Json[] }[] {
  return pages.flatMap((page) =>
    asArray((page as Json | null)?.data).map((bucket) => ({
      bucket,
      results: asArray(bucket.results ?? bucket.result),
    })),
  );
}

class UsageSums {
  readonly #byKey = new Map<string, ProviderUsage>();

  public constructor(private readonly requestsCounted: boolean) {}

  public add(
    date: string,
    model: string,
    part: {
      requests: number;
      input: number;
      cachedInput: number;
      cacheWriteInput: number;
      output: number;
      batch: boolean;
    },
  ): void {
    const key = `${date}\u0000${model}`;
    let usage = this.#byKey.get(key);
    if (!usage) {
      usage = {
        date,
        model,
        requests: this.requestsCounted ? 0 : null,
        tokens: { input: 0, cachedInput: 0, cacheWriteInput: 0, output: 0 },
        batchRequests: this.requestsCounted ? 0 : null,
        batchTokens: 0,
      };
      this.#byKey.set(key, usage);
    }
    if (usage.requests !== null) usage.requests += part.requests;
    usage.tokens.input += part.input;
    usage.tokens.cachedInput += part.cachedInput;
    usage.tokens.cacheWriteInput += part.cacheWriteInput;
    usage.tokens.output += part.output;
    if (part.batch) {
      if (usage.batchRequests !== null) usage.batchRequests += part.requests;
      usage.batchTokens += part.input + part.output;
    }
  }

  public list(): ProviderUsage[] {
    return [...this.#byKey.values()];
  }
}

class CostSums {
  readonly #byKey = new Map<string, ProviderCost>();

  public add(date: string, model: string, costNanos: number): void {
    const key = `${date}\u0000${model}`;
    const cost = this.#byKey.get(key);
    if (cost) cost.costNanos += costNanos;
    else this.#byKey.set(key, { date, model, costNanos });
  }

  public list(): ProviderCost[] {
    return [...this.#byKey.values()];
  }
}

/** A report amount in a currency other than USD: tokentrail's money is USD only. */
export class UnsupportedCurrencyError extends Error {
  public constructor(provider: string, currency: string) {
    super(`${provider} reported an amount in ${currency.slice(0, 8)}; only USD is reconciled`);
    this.name = 'UnsupportedCurrencyError';
  }
}

/**
 * Usage per day × model from OpenAI completions usage pages (`group_by` including `model`).
 *
 * @example
 * openAiUsage([{ data: [{ start_time: 1763683200, results: [{ model: 'gpt-4o', num_model_requests: 5, input_tokens: 100, input_cached_tokens: 20, output_tokens: 10 }] }] }]);
 * // [{ date: '2025-11-21', model: 'gpt-4o', requests: 5, tokens: { input: 100, cachedInput: 20, cacheWriteInput: 0, output: 10 }, ... }]
 */
export function openAiUsage(pages: readonly unknown[]): ProviderUsage[] {
  const sums = new UsageSums(true);
  for (const { bucket, results } of bucketsOf(pages)) {
    const date = dayOfUnixSeconds(bucket.start_time);
    if (!date) continue;
    for (const result of results) {
      sums.add(date, typeof result.model === 'string' ? result.model : 'unknown', {
        requests: count(result.num_model_requests),
        input: count(result.input_tokens),
        cachedInput: count(result.input_cached_tokens),
        cacheWriteInput: 0,
        output: count(result.output_tokens),
        batch: result.batch === true,
      });
    }
  }
  return sums.list();
}

/**
 * The model a cost line item names: the text before the first comma
 * (`"gpt-4o-2024-08-06, cached input"` → `gpt-4o-2024-08-06`); the whole item otherwise.
 */
export function lineItemModel(lineItem: string): string {
  const comma = lineItem.indexOf(',');
  return (comma === -1 ? lineItem : lineItem.slice(0, comma)).trim();
}

/**
 * Cost per day × model from OpenAI costs pages (`group_by=line_item`), converted exactly.
 *
 * @throws {UnsupportedCurrencyError} on an amount that is not USD
 * @example
 * openAiCosts([{ data: [{ start_time: 1763683200, results: [{ line_item: 'gpt-4o, input', amount: { value: 0.06, currency: 'usd' } }] }] }]);
 * // [{ date: '2025-11-21', model: 'gpt-4o', costNanos: 60_000_000 }]
 */
export function openAiCosts(pages: readonly unknown[]): ProviderCost[] {
  const sums = new CostSums();
  for (const { bucket, results } of bucketsOf(pages)) {
    const date = dayOfUnixSeconds(bucket.start_time);
    if (!date) continue;
    for (const result of results) {
      const amount = (result.amount ?? {}) as Json;
      if (typeof amount.value !== 'number' && typeof amount.value !== 'string') continue;
      const currency = typeof amount.currency === 'string' ? amount.currency : 'usd';
      if (currency.toLowerCase() !== 'usd') throw new UnsupportedCurrencyError('openai', currency);
      const lineItem = typeof result.line_item === 'string' ? result.line_item : 'unattributed';
      sums.add(date, lineItemModel(lineItem), decimalToNanos(amount.value, 'usd'));
    }
  }
  return sums.list();
}

/**
 * Usage per day × model from Anthropic messages usage report pages (`group_by` including `model`).
 *
 * @example
 * anthropicUsage([{ data: [{ starting_at: '2025-11-21T00:00:00Z', results: [{ model: 'claude-sonnet-4-5', uncached_input_tokens: 80, cache_read_input_tokens: 20, output_tokens: 10 }] }] }]);
 * // [{ date: '2025-11-21', model: 'claude-sonnet-4-5', requests: null, tokens: { input: 100, cachedInput: 20, cacheWriteInput: 0, output: 10 }, ... }]
 */
export function anthropicUsage(pages: readonly unknown[]): ProviderUsage[] {
  const sums = new UsageSums(false);
  for (const { bucket, results } of bucketsOf(pages)) {
    const date = dayOfIso(bucket.starting_at);
    if (!date) continue;
    for (const result of results) {
      const creation = (result.cache_creation ?? {}) as Json;
      const cacheWrite =
        count(creation.ephemeral_5m_input_tokens) +
        count(creation.ephemeral_1h_input_tokens) +
        count(result.cache_creation_5m_input_tokens) +
        count(result.cache_creation_1h_input_tokens);
      const cachedInput = count(result.cache_read_input_tokens);
      sums.add(date, typeof result.model === 'string' ? result.model : 'unknown', {
        requests: 0,
        input: count(result.uncached_input_tokens) + cachedInput + cacheWrite,
        cachedInput,
        cacheWriteInput: cacheWrite,
        output: count(result.output_tokens),
        batch: result.service_tier === 'batch',
      });
    }
  }
  return sums.list();
}

/**
 * Cost per day × model from Anthropic cost report pages (amounts in cents), limited to the
 * given workspaces when any are given (the report filters by none, so rows are grouped by
 * `workspace_id` and picked here). Non-token costs (no `model`) are named by their `cost_type`.
 *
 * @throws {UnsupportedCurrencyError} on an amount that is not USD
 * @example
 * anthropicCosts([{ data: [{ starting_at: '2025-11-21T00:00:00Z', results: [{ model: 'claude-sonnet-4-5', amount: '123.45', currency: 'USD' }] }] }]);
 * // [{ date: '2025-11-21', model: 'claude-sonnet-4-5', costNanos: 1_234_500_000 }]
 */
export function anthropicCosts(pages: readonly unknown[], workspaceIds?: readonly string[]): ProviderCost[] {
  const sums = new CostSums();
  const only = workspaceIds && workspaceIds.length > 0 ? new Set(workspaceIds) : undefined;
  for (const { bucket, results } of bucketsOf(pages)) {
    const date = dayOfIso(bucket.starting_at);
    if (!date) continue;
    for (const result of results) {
      if (only && !only.has(result.workspace_id as string)) continue;
      if (typeof result.amount !== 'string' && typeof result.amount !== 'number') continue;
      const currency = typeof result.currency === 'string' ? result.currency : 'USD';
      if (currency.toUpperCase() !== 'USD') throw new UnsupportedCurrencyError('anthropic', currency);
      const model =
        typeof result.model === 'string'
          ? result.model
          : typeof result.cost_type === 'string'
            ? result.cost_type
            : 'unattributed';
      sums.add(date, model, decimalToNanos(result.amount, 'cents'));
    }
  }
  return sums.list();
}
