/**
 * OpenAI list prices (Standard processing tier), USD per million tokens.
 *
 * Checked against OpenAI's model pages on developers.openai.com (gpt-4, gpt-5-mini, gpt-5-nano,
 * gpt-5-codex, gpt-4o-audio-preview) and, for the rest, against the pricing page as quoted in
 * OpenAI's community forum and GitHub's docs price table; notes say which. Batch API: 50% off
 * input and output for every model listed here.
 */
import type { PricingRule } from '../types';
import { entry } from './define';

const PRICING = 'https://platform.openai.com/docs/pricing';
const model = (id: string) => `https://developers.openai.com/api/docs/models/${id}`;

export const OPENAI_RULES: PricingRule[] = [
  // GPT-5 family: cached input is 10% of input.
  entry('openai', 'gpt-5', { input: '1.25', cachedInput: '0.125', output: '10.00' }, PRICING, {
    aliases: ['gpt-5-2025-08-07', 'gpt-5-chat-latest'],
    note: 'checked: GPT-5 $1.25 input in the gpt-5-codex model page comparison; cached $0.125 as for gpt-5-codex',
  }),
  entry(
    'openai',
    'gpt-5-mini',
    { input: '0.25', cachedInput: '0.025', output: '2.00' },
    model('gpt-5-mini'),
    {
      aliases: ['gpt-5-mini-2025-08-07'],
      note: 'checked: model page',
    },
  ),
  entry(
    'openai',
    'gpt-5-nano',
    { input: '0.05', cachedInput: '0.005', output: '0.40' },
    model('gpt-5-nano'),
    {
      aliases: ['gpt-5-nano-2025-08-07'],
      note: 'checked: model page',
    },
  ),
  entry(
    'openai',
    'gpt-5-codex',
    { input: '1.25', cachedInput: '0.125', output: '10.00' },
    model('gpt-5-codex'),
    {
      note: 'checked: model page',
    },
  ),
  entry('openai', 'gpt-5-pro', { input: '15.00', output: '120.00' }, PRICING, {
    aliases: ['gpt-5-pro-2025-10-06'],
    note: 'pricing page as quoted by third parties; no cached-input price',
  }),
  entry('openai', 'gpt-5.1', { input: '1.25', cachedInput: '0.125', output: '10.00' }, PRICING, {
    aliases: ['gpt-5.1-2025-11-13', 'gpt-5.1-chat-latest', 'gpt-5.1-codex'],
    note: 'pricing page as quoted by third parties (same prices as gpt-5)',
  }),
  entry('openai', 'gpt-5.2', { input: '1.75', cachedInput: '0.175', output: '14.00' }, PRICING, {
    aliases: ['gpt-5.2-2025-12-11'],
    note: "checked: GitHub docs' model price table (input, cached input, output)",
  }),
  // GPT-4.1 family: cached input is 25% of input.
  entry('openai', 'gpt-4.1', { input: '2.00', cachedInput: '0.50', output: '8.00' }, PRICING, {
    aliases: ['gpt-4.1-2025-04-14'],
    note: "checked: GitHub docs' model price table",
  }),
  entry('openai', 'gpt-4.1-mini', { input: '0.40', cachedInput: '0.10', output: '1.60' }, PRICING, {
    aliases: ['gpt-4.1-mini-2025-04-14'],
  }),
  entry('openai', 'gpt-4.1-nano', { input: '0.10', cachedInput: '0.025', output: '0.40' }, PRICING, {
    aliases: ['gpt-4.1-nano-2025-04-14'],
  }),
  // GPT-4o: the alias pointed at gpt-4o-2024-05-13 ($5/$15) until 2024-10-02, then at 2024-08-06.
  entry('openai', 'gpt-4o', { input: '5.00', output: '15.00' }, PRICING, {
    id: 'openai/gpt-4o',
    effectiveFrom: '2024-05-13',
    effectiveTo: '2024-10-02',
    note: 'alias on gpt-4o-2024-05-13 at launch prices',
  }),
  entry('openai', 'gpt-4o', { input: '2.50', cachedInput: '1.25', output: '10.00' }, PRICING, {
    effectiveFrom: '2024-10-02',
    note: 'alias moved to gpt-4o-2024-08-06 on 2024-10-02 (OpenAI deprecation notice)',
  }),
  entry('openai', 'gpt-4o-2024-05-13', { input: '5.00', output: '15.00' }, PRICING, {
    note: 'old snapshot keeps its launch price; no prompt caching',
  }),
  entry('openai', 'gpt-4o-2024-08-06', { input: '2.50', cachedInput: '1.25', output: '10.00' }, PRICING),
  entry('openai', 'gpt-4o-2024-11-20', { input: '2.50', cachedInput: '1.25', output: '10.00' }, PRICING),
  entry('openai', 'chatgpt-4o-latest', { input: '5.00', output: '15.00' }, PRICING, {
    batchDiscountPercent: null,
  }),
  entry('openai', 'gpt-4o-mini', { input: '0.15', cachedInput: '0.075', output: '0.60' }, PRICING, {
    aliases: ['gpt-4o-mini-2024-07-18'],
  }),
  entry(
    'openai',
    'gpt-4o-audio-preview',
    { input: '2.50', output: '10.00', audioInput: '40.00', audioOutput: '80.00' },
    model('gpt-4o-audio-preview'),
    {
      aliases: ['gpt-4o-audio-preview-2025-06-03', 'gpt-4o-audio-preview-2024-12-17'],
      batchDiscountPercent: null,
      note: 'checked: model page (text $2.50/$10, audio $40/$80)',
    },
  ),
  entry(
    'openai',
    'gpt-4o-mini-audio-preview',
    { input: '0.15', output: '0.60', audioInput: '10.00', audioOutput: '20.00' },
    PRICING,
    { aliases: ['gpt-4o-mini-audio-preview-2024-12-17'], batchDiscountPercent: null },
  ),
  entry('openai', 'gpt-4-turbo', { input: '10.00', output: '30.00' }, PRICING, {
    aliases: ['gpt-4-turbo-2024-04-09'],
  }),
  entry('openai', 'gpt-4', { input: '30.00', output: '60.00' }, model('gpt-4'), {
    aliases: ['gpt-4-0613'],
    note: 'checked: model page',
  }),
  entry('openai', 'gpt-3.5-turbo', { input: '0.50', output: '1.50' }, PRICING, {
    aliases: ['gpt-3.5-turbo-0125'],
  }),
  // Reasoning models: reasoning tokens are billed as output.
  entry('openai', 'o1', { input: '15.00', cachedInput: '7.50', output: '60.00' }, PRICING, {
    aliases: ['o1-2024-12-17'],
    note: "checked: pricing page as quoted in OpenAI's community forum",
  }),
  entry('openai', 'o1-pro', { input: '150.00', output: '600.00' }, PRICING, {
    aliases: ['o1-pro-2025-03-19'],
  }),
  // o3: 80% price cut on 2025-06-10.
  entry('openai', 'o3', { input: '10.00', cachedInput: '2.50', output: '40.00' }, PRICING, {
    id: 'openai/o3',
    aliases: ['o3-2025-04-16'],
    effectiveFrom: '2025-04-16',
    effectiveTo: '2025-06-10',
    note: 'launch price (also in Roo-Code PR #2691 from the launch day model page)',
  }),
  entry('openai', 'o3', { input: '2.00', cachedInput: '0.50', output: '8.00' }, PRICING, {
    aliases: ['o3-2025-04-16'],
    effectiveFrom: '2025-06-10',
    note: '80% price cut announced 2025-06-10',
  }),
  entry('openai', 'o3-pro', { input: '20.00', output: '80.00' }, PRICING, { aliases: ['o3-pro-2025-06-10'] }),
  entry('openai', 'o3-mini', { input: '1.10', cachedInput: '0.55', output: '4.40' }, PRICING, {
    aliases: ['o3-mini-2025-01-31'],
  }),
  entry('openai', 'o4-mini', { input: '1.10', cachedInput: '0.275', output: '4.40' }, PRICING, {
    aliases: ['o4-mini-2025-04-16'],
    note: 'checked: Roo-Code PR #2691 (from the model page at launch)',
  }),
  // Embeddings: input only.
  entry('openai', 'text-embedding-3-small', { input: '0.02', output: '0' }, PRICING),
  entry('openai', 'text-embedding-3-large', { input: '0.13', output: '0' }, PRICING),
  entry('openai', 'text-embedding-ada-002', { input: '0.10', output: '0' }, PRICING),
];
