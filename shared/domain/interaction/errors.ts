/** One problem found in client input, located by its path (e.g. `interactions.3.model`). */
export interface InputIssue {
  path: string;
  message: string;
}

/** Client input that does not satisfy the contract; carries every issue found, never the input. */
export class InvalidInteractionError extends Error {
  public readonly issues: InputIssue[];

  public constructor(issues: InputIssue[]) {
    super(
      `invalid interaction: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidInteractionError';
    this.issues = issues;
  }
}
