/**
 * Exact cost arithmetic. Prices are integer nano-USD per million tokens (a `$2.50` price is
 * 2_500_000_000n), so `tokens × price / 1e6` is nano-USD. Every product is a BigInt: a 10-billion
 * token count times a $600/M price is 6e21, far above 2^53. Discounts are integer parts per million
 * of the price kept (`50%` off → 500_000n), multiplied in before the single division, so a usage type
 * is rounded exactly once, half-up (amounts are never negative).
 */
import { usdToNanos } from '../money';
import { InvalidPricingRuleError } from './errors';

export const PPM = 1_000_000n;
const TOKENS_PER_MILLION = 1_000_000n;

/** One priced term: tokens at a price (nano-USD per million tokens). */
export type Term = readonly [tokens: number, nanosPerMillion: bigint];

/**
 * Σ tokens × price × Π keepPpm / (1e6 × 1e6^k), rounded half-up once.
 *
 * @example
 * costNanos([[1_000, 2_500_000_000n]], []); // 2_500 (1,000 tokens at $2.50/M = $0.0000025)
 */
export function costNanos(terms: readonly Term[], keepPpm: readonly bigint[]): number {
  let sum = 0n;
  for (const [tokens, price] of terms) if (tokens > 0) sum += BigInt(tokens) * price;
  if (sum === 0n) return 0;
  let denominator = TOKENS_PER_MILLION;
  for (const keep of keepPpm) {
    sum *= keep;
    denominator *= PPM;
  }
  const rounded = (sum + denominator / 2n) / denominator;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`cost exceeds safe integer nano-USD: ${rounded}`);
  return Number(rounded);
}

/**
 * A USD-per-million decimal string → nano-USD per million, exactly.
 *
 * @example
 * priceNanos('openai/gpt-4o', 'perMillion.input', '2.50'); // 2_500_000_000n
 */
export function priceNanos(ruleId: string, field: string, usd: string): bigint {
  try {
    const nanos = usdToNanos(usd);
    if (nanos < 0) throw new RangeError('negative');
    return BigInt(nanos);
  } catch {
    throw new InvalidPricingRuleError(
      ruleId,
      field,
      `is not a non-negative USD amount with at most 9 decimals: ${usd}`,
    );
  }
}

/**
 * A percentage off (`"12.5"`) → parts per million kept (`875_000n`).
 *
 * @example
 * keepPpmFromPercentOff('acme/discount', 'discountPercent', '12.5'); // 875_000n
 */
export function keepPpmFromPercentOff(ruleId: string, field: string, percent: string): bigint {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(percent.trim());
  const off = match ? BigInt(match[1]!) * 10_000n + BigInt((match[2] ?? '').padEnd(4, '0')) : -1n;
  if (off < 0n || off > PPM) {
    throw new InvalidPricingRuleError(ruleId, field, `is not a percentage between 0 and 100: ${percent}`);
  }
  return PPM - off;
}
