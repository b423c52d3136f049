/** Context carried by analysis errors: identifiers and limits, never interaction text. */
export type AnalysisErrorContext = Record<string, string | number | boolean | null | undefined>;

/** Base class of the analysis errors, so callers can catch the family at once. */
export class AnalysisError extends Error {
  public readonly context: AnalysisErrorContext;

  public constructor(message: string, context: AnalysisErrorContext = {}) {
    super(message);
    this.name = 'AnalysisError';
    this.context = context;
  }
}

/** Inputs or options that fail their schema; `issues` lists every problem by path (never the values). */
export class InvalidAnalysisInputError extends AnalysisError {
  public readonly issues: { path: string; message: string }[];
  /** What failed its schema (`analysis settings`, `rollup options`…): the HTTP answer names it. */
  public readonly what: string;

  public constructor(what: string, issues: { path: string; message: string }[]) {
    super(
      `invalid ${what}: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
      {
        what,
      },
    );
    this.name = 'InvalidAnalysisInputError';
    this.issues = issues;
    this.what = what;
  }
}
