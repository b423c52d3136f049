/**
 * Builds our catalog from the price database plus our corrections and batch discounts. Shared by
 * `npm run catalog:build` (which writes the rule files) and `npm run pricing:compare`.
 */
import type { PriceListRule } from '../../shared/domain/pricing/types';
import { BATCH_DISCOUNTS, CORRECTIONS, type Correction } from './corrections';
import {
  type ConvertedModel,
  carriedProvider,
  convertModel,
  type DbProvider,
  SKIPPED_PROVIDERS,
} from './genai-prices';

/** The outcome of one database model: carried as rules, corrected, or excluded with a reason. */
export interface ModelOutcome extends ConvertedModel {
  /** Corrections applied to this model (their reasons and sources). */
  corrections: Correction[];
}

export interface BuiltCatalog {
  rules: PriceListRule[];
  models: ModelOutcome[];
  /** Rules that exist only because of a correction (the database lacks them). */
  added: { rule: PriceListRule; correction: Correction }[];
  skippedProviders: Record<string, string>;
}

/**
 * Converts every carried database model, resolves first-match shadowing (a pattern belongs to the
 * first model that lists it, as in the database), applies corrections and batch discounts.
 *
 * @example
 * const { rules } = buildCatalog(await loadDatabase());
 */
export function buildCatalog(database: DbProvider[]): BuiltCatalog {
  const models: ModelOutcome[] = [];
  const skippedProviders: Record<string, string> = {};
  for (const provider of database) {
    if (!carriedProvider(provider.id)) {
      skippedProviders[provider.id] =
        SKIPPED_PROVIDERS[provider.id] ?? 'a Hugging Face router route (priced by the routed provider)';
      continue;
    }
    const claimed = new Map<string, string>();
    for (const model of provider.models) {
      const outcome: ModelOutcome = { ...convertModel(provider, model), corrections: [] };
      const own = outcome.patterns.filter((pattern) => !claimed.has(pattern));
      const shadowed = outcome.patterns.filter((pattern) => claimed.has(pattern));
      if (shadowed.length > 0)
        outcome.issues.push(`patterns already matched earlier in the database: ${shadowed.join(', ')}`);
      for (const pattern of own) claimed.set(pattern, model.id);
      outcome.patterns = own;
      outcome.rules = own.length === 0 ? [] : outcome.rules.map((rule) => withPatterns(rule, own));
      if (own.length === 0 && !outcome.excluded)
        outcome.excluded = `every pattern is matched first by ${claimed.get(shadowed[0]!)}`;
      models.push(outcome);
    }
  }
  const added: BuiltCatalog['added'] = [];
  for (const correction of CORRECTIONS) {
    const targets = models.filter(
      (model) => model.provider === correction.provider && model.dbModelId === correction.dbModelId,
    );
    if (correction.dbModelId !== undefined && targets.length === 0)
      throw new Error(
        `correction for ${correction.provider}/${correction.dbModelId} matches no database model`,
      );
    for (const model of targets) {
      model.corrections.push(correction);
      if (correction.exclude) {
        model.excluded = correction.reason;
        model.rules = [];
        continue;
      }
      if (correction.patterns) {
        const patterns = correction.patterns(model.patterns);
        model.patterns = patterns;
        model.rules = model.rules.map((rule) => withPatterns(rule, patterns));
      }
      if (correction.rules)
        model.rules = correction.rules(model.rules).map((rule) => corrected(rule, correction));
    }
    for (const rule of correction.add ?? []) added.push({ rule: corrected(rule, correction), correction });
  }
  const rules = [...models.flatMap((model) => model.rules), ...added.map((entry) => entry.rule)];
  for (const rule of rules) applyBatchDiscount(rule);
  rules.sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
  return { rules, models, added, skippedProviders };
}

function withPatterns(rule: PriceListRule, patterns: string[]): PriceListRule {
  const [model, ...aliases] = patterns;
  const next: PriceListRule = { ...rule, model: model! };
  if (aliases.length > 0) next.aliases = aliases;
  else delete next.aliases;
  return next;
}

function corrected(rule: PriceListRule, correction: Correction): PriceListRule {
  return {
    ...rule,
    source: correction.source,
    note: `correction: ${correction.reason}${rule.note ? ` (${rule.note})` : ''}`,
  };
}

function applyBatchDiscount(rule: PriceListRule): void {
  if (rule.batch) return;
  const discount = BATCH_DISCOUNTS.find(
    (entry) => entry.provider === rule.provider && !entry.except?.test(rule.model.replace(/\*$/, '')),
  );
  if (discount) rule.batch = { discountPercent: discount.percent };
}
