/** Context carried by normalization errors: counts and field names, never payload text. */
export type NormalizeErrorContext = Record<string, string | number | boolean | undefined>;

/** Base class of the normalization errors. */
export class NormalizeError extends Error {
  public readonly context: NormalizeErrorContext;

  public constructor(message: string, context: NormalizeErrorContext = {}) {
    super(message);
    this.name = 'NormalizeError';
    this.context = context;
  }
}

/**
 * A usage whose parts do not fit inside their totals (e.g. more cached tokens than input tokens).
 * Pricing such a usage would produce negative amounts, so it is reported instead.
 */
export class InconsistentUsageError extends NormalizeError {
  public readonly problems: string[];

  public constructor(problems: string[], context: NormalizeErrorContext = {}) {
    super(`inconsistent usage: ${problems.join('; ')}`, context);
    this.name = 'InconsistentUsageError';
    this.problems = problems;
  }
}
