/** Context carried by pricing errors: rule ids, providers, models and fields, never payloads. */
export type PricingErrorContext = Record<string, string | number | boolean | undefined>;

/** Base class of the pricing errors. Pricing an interaction never throws; loading rules may. */
export class PricingError extends Error {
  public readonly context: PricingErrorContext;

  public constructor(message: string, context: PricingErrorContext = {}) {
    super(message);
    this.name = 'PricingError';
    this.context = context;
  }
}

/** One problem in user-supplied pricing rules, located by its path (e.g. `rules.2.perMillion.input`). */
export interface PricingRuleIssue {
  path: string;
  message: string;
}

/** Pricing rules (a `PUT /admin/pricing` body) that do not satisfy the schema; carries every issue. */
export class InvalidPricingRulesError extends PricingError {
  public readonly issues: PricingRuleIssue[];

  public constructor(issues: PricingRuleIssue[]) {
    super(
      `invalid pricing rules: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
      { issueCount: issues.length },
    );
    this.name = 'InvalidPricingRulesError';
    this.issues = issues;
  }
}

/** A catalog layer whose rules, compressed, exceed what one stored item may hold. */
export class CatalogLayerTooLargeError extends PricingError {
  public constructor(compressedBytes: number, maxBytes: number) {
    super(`catalog layer is ${compressedBytes} bytes compressed; at most ${maxBytes}`, {
      compressedBytes,
      maxBytes,
    });
    this.name = 'CatalogLayerTooLargeError';
  }
}

/** A rule whose price or date cannot be used (caught when the rule set is compiled). */
export class InvalidPricingRuleError extends PricingError {
  public constructor(ruleId: string, field: string, reason: string) {
    super(`pricing rule ${ruleId}: ${field} ${reason}`, { ruleId, field });
    this.name = 'InvalidPricingRuleError';
  }
}
