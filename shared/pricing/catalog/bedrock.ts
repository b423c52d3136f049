/**
 * Amazon Bedrock on-demand list prices (US East, N. Virginia), USD per million tokens. Bedrock ids
 * are matched after `canonicalModelId` strips ARNs and cross-region inference profile prefixes
 * (`us.`, `eu.`, `apac.`, `global.`); patterns end in `*` to cover the `-v1:0` / `-v2:0` suffixes.
 *
 * Checked: Amazon Nova Micro ($0.035 / $0.14) and Nova Pro ($0.80 / $3.20, cache read $0.20)
 * against pages quoting aws.amazon.com/bedrock/pricing; Claude prices equal Anthropic's own list
 * prices (5 minute cache writes; Bedrock's 1 hour writes at 2× input). Other figures are from the
 * Bedrock pricing page as last read by the maintainer and could not be found in the search corpus.
 * Not modelled: the 10% premium of regional (non-global) endpoints for Claude 4.5-generation models,
 * other regions' prices, provisioned throughput. Batch inference: 50% off on-demand.
 */
import type { PricingRule } from '../types';
import { claudePrices } from './anthropic';
import { entry } from './define';

const PRICING = 'https://aws.amazon.com/bedrock/pricing/';

const OPUS_4_5 = claudePrices('5', '6.25', '10', '0.50', '25');
const OPUS_4 = claudePrices('15', '18.75', '30', '1.50', '75');
const SONNET = claudePrices('3', '3.75', '6', '0.30', '15');
const SONNET_LONG_CONTEXT = [
  { aboveInputTokens: 200_000, perMillion: claudePrices('6', '7.50', '12', '0.60', '22.50') },
];

const flat = (input: string, output: string) => ({ input, output });

export const BEDROCK_RULES: PricingRule[] = [
  // Anthropic
  entry('bedrock', 'anthropic.claude-opus-4-5-*', OPUS_4_5, PRICING),
  entry('bedrock', 'anthropic.claude-opus-4-1-*', OPUS_4, PRICING),
  entry('bedrock', 'anthropic.claude-opus-4-20250514*', OPUS_4, PRICING),
  entry('bedrock', 'anthropic.claude-sonnet-4-5-*', SONNET, PRICING, { tiers: SONNET_LONG_CONTEXT }),
  entry('bedrock', 'anthropic.claude-sonnet-4-20250514*', SONNET, PRICING, {
    tiers: SONNET_LONG_CONTEXT,
    note: '1M context is available on Bedrock',
  }),
  entry('bedrock', 'anthropic.claude-3-7-sonnet-*', SONNET, PRICING),
  entry('bedrock', 'anthropic.claude-3-5-sonnet-*', SONNET, PRICING),
  entry('bedrock', 'anthropic.claude-haiku-4-5-*', claudePrices('1', '1.25', '2', '0.10', '5'), PRICING),
  entry('bedrock', 'anthropic.claude-3-5-haiku-*', claudePrices('0.80', '1', '1.6', '0.08', '4'), PRICING),
  entry('bedrock', 'anthropic.claude-3-opus-*', OPUS_4, PRICING),
  entry(
    'bedrock',
    'anthropic.claude-3-haiku-*',
    claudePrices('0.25', '0.30', '0.50', '0.03', '1.25'),
    PRICING,
  ),
  // Meta Llama
  entry('bedrock', 'meta.llama3-8b-instruct-*', flat('0.30', '0.60'), PRICING),
  entry('bedrock', 'meta.llama3-70b-instruct-*', flat('2.65', '3.50'), PRICING),
  entry('bedrock', 'meta.llama3-1-8b-instruct-*', flat('0.22', '0.22'), PRICING),
  entry('bedrock', 'meta.llama3-1-70b-instruct-*', flat('0.72', '0.72'), PRICING),
  entry('bedrock', 'meta.llama3-1-405b-instruct-*', flat('2.40', '2.40'), PRICING),
  entry('bedrock', 'meta.llama3-2-1b-instruct-*', flat('0.10', '0.10'), PRICING),
  entry('bedrock', 'meta.llama3-2-3b-instruct-*', flat('0.15', '0.15'), PRICING),
  entry('bedrock', 'meta.llama3-2-11b-instruct-*', flat('0.16', '0.16'), PRICING),
  entry('bedrock', 'meta.llama3-2-90b-instruct-*', flat('0.72', '0.72'), PRICING),
  entry('bedrock', 'meta.llama3-3-70b-instruct-*', flat('0.72', '0.72'), PRICING),
  entry('bedrock', 'meta.llama4-scout-17b-instruct-*', flat('0.17', '0.66'), PRICING),
  entry('bedrock', 'meta.llama4-maverick-17b-instruct-*', flat('0.24', '0.97'), PRICING),
  // Amazon Nova: cache reads at 25% of input; cache writes at the input price.
  entry(
    'bedrock',
    'amazon.nova-micro-*',
    { input: '0.035', cachedInput: '0.00875', output: '0.14' },
    PRICING,
    {
      note: 'checked: $0.000035 / $0.00014 per 1K tokens',
    },
  ),
  entry('bedrock', 'amazon.nova-lite-*', { input: '0.06', cachedInput: '0.015', output: '0.24' }, PRICING),
  entry('bedrock', 'amazon.nova-pro-*', { input: '0.80', cachedInput: '0.20', output: '3.20' }, PRICING, {
    note: 'checked: $0.80 / $3.20, cache read $0.20, batch $0.40 / $1.60',
  }),
  entry('bedrock', 'amazon.nova-premier-*', flat('2.50', '12.50'), PRICING),
  entry('bedrock', 'amazon.titan-embed-text-v2*', flat('0.02', '0'), PRICING),
  // Mistral AI
  entry('bedrock', 'mistral.mistral-7b-instruct-*', flat('0.15', '0.20'), PRICING),
  entry('bedrock', 'mistral.mixtral-8x7b-instruct-*', flat('0.45', '0.70'), PRICING),
  entry('bedrock', 'mistral.mistral-small-2402-*', flat('1.00', '3.00'), PRICING),
  entry('bedrock', 'mistral.mistral-large-2402-*', flat('4.00', '12.00'), PRICING),
  entry('bedrock', 'mistral.mistral-large-2407-*', flat('2.00', '6.00'), PRICING),
];
