/** Context carried by every analytics error: what was being looked at, never a whole record. */
export type AnalyticsErrorContext = Record<string, string | number | boolean | null | undefined>;

/** Base class of the analytics errors, so callers can catch the family at once. */
export class AnalyticsError extends Error {
  public readonly context: AnalyticsErrorContext;

  public constructor(message: string, context: AnalyticsErrorContext = {}) {
    super(message);
    this.name = 'AnalyticsError';
    this.context = context;
  }
}

/**
 * A timestamp that is not ISO 8601 with an explicit zone (`Z` or `±hh:mm`). A zone-less
 * timestamp would be read in the machine's local time, so the period it lands in would
 * depend on where the job runs.
 */
export class InvalidTimestampError extends AnalyticsError {
  public constructor(timestamp: string) {
    super(`not an ISO 8601 timestamp with a zone: ${JSON.stringify(timestamp)}`, { timestamp });
    this.name = 'InvalidTimestampError';
  }
}

/** A calendar date (`YYYY-MM-DD`) or month (`YYYY-MM`) that does not exist or is malformed. */
export class InvalidDateError extends AnalyticsError {
  public readonly expected: 'YYYY-MM-DD' | 'YYYY-MM';

  public constructor(value: string, expected: 'YYYY-MM-DD' | 'YYYY-MM') {
    super(`not a valid ${expected}: ${JSON.stringify(value)}`, { value, expected });
    this.name = 'InvalidDateError';
    this.expected = expected;
  }
}

/** A record field that rollups cannot sum exactly (not a safe integer, negative token count…). */
export class InvalidRollupRecordError extends AnalyticsError {
  public constructor(field: string, value: unknown, where: { project: string; model: string }) {
    super(`rollup record field ${field} is invalid: ${String(value)}`, {
      field,
      value: typeof value === 'number' ? value : String(value),
      project: where.project,
      model: where.model,
    });
    this.name = 'InvalidRollupRecordError';
  }
}

/** A rollup sum left the range where JavaScript numbers are exact integers (about 9 million USD). */
export class RollupOverflowError extends AnalyticsError {
  public constructor(field: string, key: string) {
    super(`rollup sum ${field} exceeds Number.MAX_SAFE_INTEGER for ${key}`, { field, key });
    this.name = 'RollupOverflowError';
  }
}

/** The daily history handed to anomaly detection is inconsistent (duplicate day, bad counts). */
export class InvalidHistoryError extends AnalyticsError {
  public constructor(reason: string, date: string) {
    super(`invalid anomaly history on ${date}: ${reason}`, { reason, date });
    this.name = 'InvalidHistoryError';
  }
}

/** Options or inputs that fail their schema; `issues` lists every problem by path. */
export class InvalidAnalyticsInputError extends AnalyticsError {
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
    this.name = 'InvalidAnalyticsInputError';
    this.issues = issues;
    this.what = what;
  }
}
