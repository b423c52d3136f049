/** One problem found in a redaction configuration, located by its path (e.g. `customRules.2.pattern`). */
export interface RedactionConfigIssue {
  path: string;
  message: string;
}

/**
 * A project's redaction configuration is invalid. Carries every issue found; messages name the
 * offending field and rule, never a value that could be a secret (hash secrets are not echoed).
 */
export class InvalidRedactionConfigError extends Error {
  public readonly issues: RedactionConfigIssue[];

  public constructor(issues: RedactionConfigIssue[]) {
    super(
      `invalid redaction config: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidRedactionConfigError';
    this.issues = issues;
  }
}

/**
 * Custom rules hit the per-payload scan budget and the configuration asked to fail rather than
 * redact the unscanned strings wholesale. Carries sizes, never content.
 */
export class RedactionBudgetExceededError extends Error {
  public readonly budgetChars: number;
  public readonly ruleCount: number;

  public constructor(budgetChars: number, ruleCount: number) {
    super(
      `custom redaction rules exceeded the scan budget of ${budgetChars} characters per payload (${ruleCount} rules)`,
    );
    this.name = 'RedactionBudgetExceededError';
    this.budgetChars = budgetChars;
    this.ruleCount = ruleCount;
  }
}
