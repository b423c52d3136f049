/**
 * Project pricing overrides, as a user PUTs them through `/admin/pricing`: negotiated discounts off
 * the catalog, and explicit prices for fine-tuned or self-hosted models. Overrides take precedence
 * over the catalog in `priceUsage({ overrides })`.
 */
import * as z from 'zod';
import { InvalidPricingRulesError, type PricingRuleIssue } from './errors';
import { findOverlaps } from './overlaps';
import type { PricingRule } from './types';

const usdPerMillion = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value.trim()))
  .refine(
    (value) => /^\d{1,6}(?:\.\d{1,9})?$/.test(value),
    'use a non-negative USD amount with at most 9 decimals',
  );

const percent = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value.trim()))
  .refine(
    (value) => /^\d{1,3}(?:\.\d{1,4})?$/.test(value) && Number(value) <= 100,
    'use a percentage from 0 to 100',
  );

const modelPattern = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !value.slice(0, -1).includes('*'), 'only a trailing * wildcard is supported');

const hourMinute = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (UTC)');

const dateOrZonedDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const pricePerMillionSchema = z.strictObject({
  input: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
  cacheWrite1h: usdPerMillion.optional(),
  output: usdPerMillion,
  reasoning: usdPerMillion.optional(),
  audioInput: usdPerMillion.optional(),
  audioOutput: usdPerMillion.optional(),
  imageInput: usdPerMillion.optional(),
  imageOutput: usdPerMillion.optional(),
});

const batchPricingSchema = z.strictObject({
  perMillion: pricePerMillionSchema.optional(),
  discountPercent: percent.optional(),
});

const ruleBase = {
  id: z.string().min(1).max(128),
  version: z.number().int().positive().default(1),
  provider: z.string().min(1).max(64),
  model: modelPattern,
  aliases: z.array(modelPattern).max(100).optional(),
  effectiveFrom: dateOrZonedDateTime.optional(),
  effectiveTo: dateOrZonedDateTime.optional(),
  timeOfDayUtc: z
    .strictObject({ start: hourMinute, end: hourMinute })
    .refine((window) => window.start !== window.end, 'start and end must differ')
    .optional(),
  source: z.string().min(1).max(512).default('project override'),
  note: z.string().max(1024).optional(),
};

const priceListRuleSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('prices'),
  perMillion: pricePerMillionSchema,
  tiers: z
    .array(
      z.strictObject({
        aboveInputTokens: z.number().int().positive(),
        perMillion: pricePerMillionSchema,
        batchPerMillion: pricePerMillionSchema.optional(),
      }),
    )
    .max(5)
    .optional(),
  batch: batchPricingSchema.optional(),
  serviceTiers: z.record(z.string().min(1).max(32), batchPricingSchema).optional(),
  perThousandCalls: z.partialRecord(z.enum(['webSearch', 'request']), usdPerMillion).optional(),
});

const discountRuleSchema = z.strictObject({
  ...ruleBase,
  kind: z.literal('discount'),
  discountPercent: percent,
});

/** One override rule. `kind` defaults to `prices`. */
export const pricingRuleSchema = z.preprocess(
  (value) =>
    value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value)
      ? { ...value, kind: 'prices' }
      : value,
  z
    .discriminatedUnion('kind', [priceListRuleSchema, discountRuleSchema])
    .refine(
      (rule) =>
        !rule.effectiveFrom ||
        !rule.effectiveTo ||
        Date.parse(rule.effectiveTo) > Date.parse(rule.effectiveFrom),
      { message: 'effectiveTo must be after effectiveFrom', path: ['effectiveTo'] },
    ),
);

/** Most rules of a project's overrides. */
export const MAX_OVERRIDE_RULES = 500;
/** Most rules of an imported global catalog layer (a whole generated catalog fits). */
export const MAX_CATALOG_LAYER_RULES = 10_000;

/** A list of override rules (the `rules` of a `PUT /admin/pricing` body). */
export const pricingRulesSchema = z.array(pricingRuleSchema).max(MAX_OVERRIDE_RULES);
const catalogLayerSchema = z.array(pricingRuleSchema).max(MAX_CATALOG_LAYER_RULES);

/**
 * Validates override rules and returns them ready for `priceUsage({ overrides })`; with
 * `catalogLayer`, a global catalog layer (`tokentrail pricing import`, up to 10,000 rules).
 *
 * @throws {InvalidPricingRulesError} with one `{path, message}` issue per problem, including
 *   duplicate ids and rules that overlap (same provider and pattern, overlapping dates).
 * @example
 * const overrides = parsePricingRules({ rules: [
 *   { id: 'acme/gpt-4o-discount', provider: 'openai', model: 'gpt-4o*', kind: 'discount', discountPercent: '15' },
 *   { id: 'acme/llama-ft', provider: 'self-hosted', model: 'llama-3.1-8b-acme', perMillion: { input: '0.05', output: '0.10' } },
 * ] });
 */
export function parsePricingRules(raw: unknown, options: { catalogLayer?: boolean } = {}): PricingRule[] {
  // Both `{ "rules": [...] }` and a bare array are accepted; issue paths follow the shape sent.
  const wrapped = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
  const prefix: (string | number)[] = wrapped ? ['rules'] : [];
  if (wrapped) {
    const extra = Object.keys(raw).filter((key) => key !== 'rules');
    if (extra.length > 0) {
      throw new InvalidPricingRulesError([{ path: '', message: `unknown keys: ${extra.join(', ')}` }]);
    }
  }
  const schema = options.catalogLayer ? catalogLayerSchema : pricingRulesSchema;
  const result = schema.safeParse(wrapped ? (raw as { rules?: unknown }).rules : raw);
  if (!result.success) {
    throw new InvalidPricingRulesError(
      result.error.issues.map((issue) => ({
        path: [...prefix, ...issue.path].map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  const rules = result.data as PricingRule[];
  const issues: PricingRuleIssue[] = [];
  const seen = new Map<string, number>();
  for (const [i, rule] of rules.entries()) {
    const first = seen.get(rule.id);
    if (first !== undefined)
      issues.push({ path: [...prefix, i, 'id'].join('.'), message: `duplicate rule id (also at ${first})` });
    else seen.set(rule.id, i);
  }
  for (const overlap of findOverlaps(rules)) {
    const index = rules.findIndex((rule) => rule.id === overlap.ruleIds[1]);
    issues.push({
      path: [...prefix, index, 'model'].join('.'),
      message: `overlaps rule ${overlap.ruleIds[0]} for ${overlap.provider} ${overlap.pattern} in the same period`,
    });
  }
  if (issues.length > 0) throw new InvalidPricingRulesError(issues);
  return rules;
}
