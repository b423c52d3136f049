/**
 * Anthropic list prices, USD per million tokens.
 *
 * Checked against Anthropic's pricing page (docs.anthropic.com / platform.claude.com "Pricing"):
 * base input, 5 minute cache writes (1.25× input), 1 hour cache writes (2× input), cache hits
 * (0.1× input) and output for every model below, the Batch API table (50% off input and output,
 * stacking with the cache multipliers) and the long context table for Sonnet 4 / 4.5 (input above
 * 200K tokens, cache reads and writes included: $6 input / $22.50 output, cache multipliers on $6).
 */
import type { PricePerMillion, PricingRule } from '../types';
import { entry } from './define';

const PRICING = 'https://docs.anthropic.com/en/docs/about-claude/pricing';

/**
 * Anthropic's cache multipliers applied to a base input price (exact decimal arithmetic by hand).
 *
 * @example
 * claudePrices('3', '3.75', '6', '0.30', '15'); // Sonnet: input, 5m write, 1h write, read, output
 */
export function claudePrices(
  input: string,
  cacheWrite: string,
  cacheWrite1h: string,
  cacheRead: string,
  output: string,
) {
  return { input, cacheWrite, cacheWrite1h, cachedInput: cacheRead, output } satisfies PricePerMillion;
}

const OPUS_4_5 = claudePrices('5', '6.25', '10', '0.50', '25');
const OPUS_4 = claudePrices('15', '18.75', '30', '1.50', '75');
const SONNET = claudePrices('3', '3.75', '6', '0.30', '15');
const SONNET_LONG_CONTEXT = [
  { aboveInputTokens: 200_000, perMillion: claudePrices('6', '7.50', '12', '0.60', '22.50') },
];
const HAIKU_4_5 = claudePrices('1', '1.25', '2', '0.10', '5');
const HAIKU_3_5 = claudePrices('0.80', '1', '1.6', '0.08', '4');
const HAIKU_3 = claudePrices('0.25', '0.30', '0.50', '0.03', '1.25');

export const ANTHROPIC_RULES: PricingRule[] = [
  entry('anthropic', 'claude-opus-4-6', OPUS_4_5, PRICING, {
    aliases: ['claude-opus-4-6-*'],
    note: 'long-context (>200K) prices for Opus 4.6 not confirmed; priced at base rates',
  }),
  entry('anthropic', 'claude-opus-4-5', OPUS_4_5, PRICING, { aliases: ['claude-opus-4-5-*'] }),
  entry('anthropic', 'claude-opus-4-1', OPUS_4, PRICING, { aliases: ['claude-opus-4-1-*'] }),
  entry('anthropic', 'claude-opus-4-0', OPUS_4, PRICING, { aliases: ['claude-opus-4-20250514'] }),
  entry('anthropic', 'claude-sonnet-4-6', SONNET, PRICING, {
    aliases: ['claude-sonnet-4-6-*'],
    note: 'long-context (>200K) prices for Sonnet 4.6 not confirmed; priced at base rates',
  }),
  entry('anthropic', 'claude-sonnet-4-5', SONNET, PRICING, {
    aliases: ['claude-sonnet-4-5-*'],
    tiers: SONNET_LONG_CONTEXT,
  }),
  entry('anthropic', 'claude-sonnet-4-0', SONNET, PRICING, {
    aliases: ['claude-sonnet-4-20250514'],
    tiers: SONNET_LONG_CONTEXT,
  }),
  entry('anthropic', 'claude-3-7-sonnet-*', SONNET, PRICING),
  entry('anthropic', 'claude-3-5-sonnet-*', SONNET, PRICING, {
    note: 'both 20240620 and 20241022 snapshots',
  }),
  entry('anthropic', 'claude-haiku-4-5', HAIKU_4_5, PRICING, { aliases: ['claude-haiku-4-5-*'] }),
  entry('anthropic', 'claude-3-5-haiku-*', HAIKU_3_5, PRICING, {
    note: 'current list price; the launch price (Nov 2024) could not be confirmed and is not modelled',
  }),
  entry('anthropic', 'claude-3-opus-*', OPUS_4, PRICING),
  entry('anthropic', 'claude-3-haiku-*', HAIKU_3, PRICING),
];
