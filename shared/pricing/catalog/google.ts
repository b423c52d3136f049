/**
 * Google Gemini API (paid tier) list prices, USD per million tokens; Vertex AI uses the same
 * per-token list prices for these models.
 *
 * Checked: Gemini 2.5 Flash ($0.30 / $2.50) and 2.5 Flash-Lite ($0.10 / $0.40, audio input $0.30)
 * against pages quoting ai.google.dev/gemini-api/docs/pricing; 2.5 Pro's >200K tier ($1.25 → $2.50
 * input, $10 → $15 output, the whole request moves) against the same. Cache-read prices are today's
 * (context caching prices were cut during 2025; earlier cache reads are priced at today's rate).
 * Cache storage (per hour) is not a per-request cost and is not modelled. Batch API: 50% off.
 * Output prices include thinking tokens.
 */
import type { PricingRule } from '../types';
import { entry } from './define';

const PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';

export const GOOGLE_RULES: PricingRule[] = [
  entry('google', 'gemini-3-pro-preview', { input: '2.00', cachedInput: '0.20', output: '12.00' }, PRICING, {
    aliases: ['gemini-3-pro-preview-*'],
    tiers: [
      { aboveInputTokens: 200_000, perMillion: { input: '4.00', cachedInput: '0.40', output: '18.00' } },
    ],
    note: 'not found in the search corpus; figures from the vendor page as last read by the maintainer',
  }),
  entry('google', 'gemini-2.5-pro', { input: '1.25', cachedInput: '0.125', output: '10.00' }, PRICING, {
    aliases: ['gemini-2.5-pro-*'],
    tiers: [
      { aboveInputTokens: 200_000, perMillion: { input: '2.50', cachedInput: '0.25', output: '15.00' } },
    ],
  }),
  entry(
    'google',
    'gemini-2.5-flash',
    { input: '0.30', cachedInput: '0.03', output: '2.50', audioInput: '1.00' },
    PRICING,
    {
      aliases: ['gemini-2.5-flash-preview-*', 'gemini-2.5-flash-0*'],
    },
  ),
  entry(
    'google',
    'gemini-2.5-flash-lite',
    { input: '0.10', cachedInput: '0.01', output: '0.40', audioInput: '0.30' },
    PRICING,
    { aliases: ['gemini-2.5-flash-lite-*'] },
  ),
  entry(
    'google',
    'gemini-2.0-flash',
    { input: '0.10', cachedInput: '0.025', output: '0.40', audioInput: '0.70' },
    PRICING,
    {
      aliases: ['gemini-2.0-flash-001'],
    },
  ),
  entry('google', 'gemini-2.0-flash-lite', { input: '0.075', output: '0.30' }, PRICING, {
    aliases: ['gemini-2.0-flash-lite-001'],
  }),
  // Gemini 1.5 Pro: prices cut on 2024-10-01; prompts above 128K tokens pay double.
  entry('google', 'gemini-1.5-pro*', { input: '3.50', cachedInput: '0.875', output: '10.50' }, PRICING, {
    id: 'google/gemini-1.5-pro',
    effectiveTo: '2024-10-01',
    tiers: [
      { aboveInputTokens: 128_000, perMillion: { input: '7.00', cachedInput: '1.75', output: '21.00' } },
    ],
    note: 'launch prices before the 2024-10-01 cut; not found in the search corpus',
  }),
  entry('google', 'gemini-1.5-pro*', { input: '1.25', cachedInput: '0.3125', output: '5.00' }, PRICING, {
    effectiveFrom: '2024-10-01',
    tiers: [
      { aboveInputTokens: 128_000, perMillion: { input: '2.50', cachedInput: '0.625', output: '10.00' } },
    ],
  }),
  // Gemini 1.5 Flash: prices cut on 2024-08-12.
  entry('google', 'gemini-1.5-flash', { input: '0.35', cachedInput: '0.0875', output: '1.05' }, PRICING, {
    id: 'google/gemini-1.5-flash',
    aliases: ['gemini-1.5-flash-0*', 'gemini-1.5-flash-latest'],
    effectiveTo: '2024-08-12',
    tiers: [
      { aboveInputTokens: 128_000, perMillion: { input: '0.70', cachedInput: '0.175', output: '2.10' } },
    ],
    note: 'launch prices before the 2024-08-12 cut; not found in the search corpus',
  }),
  entry('google', 'gemini-1.5-flash', { input: '0.075', cachedInput: '0.01875', output: '0.30' }, PRICING, {
    aliases: ['gemini-1.5-flash-0*', 'gemini-1.5-flash-latest'],
    effectiveFrom: '2024-08-12',
    tiers: [
      { aboveInputTokens: 128_000, perMillion: { input: '0.15', cachedInput: '0.0375', output: '0.60' } },
    ],
  }),
  entry('google', 'gemini-1.5-flash-8b*', { input: '0.0375', cachedInput: '0.01', output: '0.15' }, PRICING, {
    tiers: [
      { aboveInputTokens: 128_000, perMillion: { input: '0.075', cachedInput: '0.02', output: '0.30' } },
    ],
  }),
  entry('google', 'gemini-embedding-001', { input: '0.15', output: '0' }, PRICING),
];
