/**
 * Mistral AI (La Plateforme) list prices, USD per million tokens.
 *
 * Figures are from mistral.ai/pricing as last read by the maintainer; the search corpus only had
 * third-party pages, which agree on Medium 3 ($0.40 / $2), Codestral ($0.30 / $0.90), Ministral 8B
 * ($0.10 / $0.10) and Magistral Medium ($2 / $5) / Small ($0.50 / $1.50). The 2024-09-17 price cut
 * (Large $3/$9 → $2/$6, Nemo $0.30 → $0.15) is modelled for the ids that existed then. `-latest`
 * aliases are only listed where they have pointed at equally priced models. Batch API: 50% off.
 */
import type { PricingRule } from '../types';
import { entry } from './define';

const PRICING = 'https://mistral.ai/pricing#api-pricing';
const CUT = '2024-09-17';

const flat = (input: string, output: string) => ({ input, output });

export const MISTRAL_RULES: PricingRule[] = [
  entry('mistral', 'mistral-large-2407', flat('3.00', '9.00'), PRICING, {
    id: 'mistral/mistral-large-2407',
    effectiveTo: CUT,
    note: 'launch price before the 2024-09-17 cut',
  }),
  entry('mistral', 'mistral-large-2407', flat('2.00', '6.00'), PRICING, { effectiveFrom: CUT }),
  entry('mistral', 'mistral-large-2411', flat('2.00', '6.00'), PRICING),
  entry('mistral', 'pixtral-large-2411', flat('2.00', '6.00'), PRICING, {
    aliases: ['pixtral-large-latest'],
  }),
  entry('mistral', 'mistral-medium-2505', flat('0.40', '2.00'), PRICING, {
    aliases: ['mistral-medium-2508', 'mistral-medium-latest'],
  }),
  entry('mistral', 'mistral-small-2409', flat('0.20', '0.60'), PRICING),
  entry('mistral', 'mistral-small-2501', flat('0.10', '0.30'), PRICING, {
    aliases: ['mistral-small-2503', 'mistral-small-2506', 'mistral-small-latest'],
  }),
  entry('mistral', 'codestral-2501', flat('0.30', '0.90'), PRICING, {
    aliases: ['codestral-2508', 'codestral-latest'],
  }),
  entry('mistral', 'ministral-8b-2410', flat('0.10', '0.10'), PRICING, { aliases: ['ministral-8b-latest'] }),
  entry('mistral', 'ministral-3b-2410', flat('0.04', '0.04'), PRICING, { aliases: ['ministral-3b-latest'] }),
  entry('mistral', 'open-mistral-nemo', flat('0.30', '0.30'), PRICING, {
    id: 'mistral/open-mistral-nemo',
    aliases: ['open-mistral-nemo-2407'],
    effectiveTo: CUT,
    note: 'launch price before the 2024-09-17 cut',
  }),
  entry('mistral', 'open-mistral-nemo', flat('0.15', '0.15'), PRICING, {
    aliases: ['open-mistral-nemo-2407'],
    effectiveFrom: CUT,
  }),
  entry('mistral', 'magistral-medium-2506', flat('2.00', '5.00'), PRICING, {
    aliases: ['magistral-medium-2507', 'magistral-medium-latest'],
  }),
  entry('mistral', 'magistral-small-2506', flat('0.50', '1.50'), PRICING, {
    aliases: ['magistral-small-2507', 'magistral-small-latest'],
  }),
  entry('mistral', 'mistral-embed', flat('0.10', '0'), PRICING),
];
