/**
 * The shipped price catalog: one file per vendor, each rule naming its source page. A rule is
 * changed by adding a new rule with `effectiveFrom` (and closing the old one with `effectiveTo`),
 * never by editing figures in place, so past interactions keep their price; a correction of a
 * wrong figure bumps `version`.
 */
import type { PricingRule } from '../types';
import { ANTHROPIC_RULES } from './anthropic';
import { BEDROCK_RULES } from './bedrock';
import { GOOGLE_RULES } from './google';
import { MISTRAL_RULES } from './mistral';
import { OPENAI_RULES } from './openai';

export const catalog: readonly PricingRule[] = Object.freeze([
  ...OPENAI_RULES,
  ...ANTHROPIC_RULES,
  ...GOOGLE_RULES,
  ...BEDROCK_RULES,
  ...MISTRAL_RULES,
]);

export { ANTHROPIC_RULES, BEDROCK_RULES, GOOGLE_RULES, MISTRAL_RULES, OPENAI_RULES };
