/** One problem found in an OTLP request, located by its path (e.g. `resourceSpans.0.scopeSpans`). */
export interface OtlpIssue {
  path: string;
  message: string;
}

/** Base class of the OpenTelemetry mapping errors, so callers can catch the family at once. */
export class OtelMappingError extends Error {
  public readonly context: Record<string, string | number | boolean | undefined>;

  public constructor(message: string, context: Record<string, string | number | boolean | undefined> = {}) {
    super(message);
    this.name = 'OtelMappingError';
    this.context = context;
  }
}

/**
 * The request is not an OTLP/HTTP `ExportTraceServiceRequest` at all (JSON envelope wrong, bytes not protobuf),
 * so nothing in it can be accepted. Problems in single spans never raise this: they are rejected
 * one by one. Carries every issue found, never the input.
 */
export class InvalidOtlpRequestError extends OtelMappingError {
  public readonly issues: OtlpIssue[];

  public constructor(issues: OtlpIssue[]) {
    super(
      `invalid OTLP trace export request: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
      { issueCount: issues.length },
    );
    this.name = 'InvalidOtlpRequestError';
    this.issues = issues;
  }
}
