/** One problem found in an OTLP request, located by its path (e.g. `resourceSpans.0.scopeSpans`). */
export interface OtlpIssue {
  path: string;
  message: string;
}

/** The OTLP/HTTP exports tokentrail takes: `POST /v1/traces` and `POST /v1/logs`. */
export type OtlpExportKind = 'trace export' | 'logs export';

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
  /** Which export the request claimed to be. */
  public readonly exportKind: OtlpExportKind;

  public constructor(issues: OtlpIssue[], exportKind: OtlpExportKind = 'trace export') {
    super(
      `invalid OTLP ${exportKind} request: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
      { issueCount: issues.length, exportKind },
    );
    this.name = 'InvalidOtlpRequestError';
    this.issues = issues;
    this.exportKind = exportKind;
  }
}
