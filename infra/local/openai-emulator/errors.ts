/**
 * An error answer of the emulated API, rendered in OpenAI's wire shape:
 * `{"error": {"message", "type", "param", "code"}}`.
 */
export class OpenAiApiError extends Error {
  public readonly status: number;
  public readonly type: string;
  public readonly code: string | null;
  public readonly param: string | null;
  /** Extra response headers, e.g. `retry-after` on 429. */
  public readonly headers: Record<string, string>;

  public constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      code?: string | null;
      param?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'OpenAiApiError';
    this.status = status;
    this.type = options.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The JSON body OpenAI sends with this error. */
  public toBody(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A control request (`/_emulator/...`) with a body that does not parse. */
export class InvalidFaultsError extends Error {
  public readonly issues: { path: string; message: string }[];

  public constructor(issues: { path: string; message: string }[]) {
    super(
      `invalid emulator faults: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidFaultsError';
    this.issues = issues;
  }
}
