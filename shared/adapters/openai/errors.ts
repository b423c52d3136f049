/**
 * Errors of the OpenAI batch client. They carry what an operator needs (operation, project,
 * HTTP status, provider error code and type, provider request id) and nothing else: never a
 * response body, never the API key, never payload text. The SDK error is deliberately not
 * kept as `cause`, since it holds the raw body and headers.
 */

/** How a call failed. */
export type OpenAiFailureKind = 'http' | 'timeout' | 'connection' | 'aborted' | 'circuit_open' | 'unexpected';

export interface OpenAiBatchErrorDetails {
  operation: string;
  project: string;
  kind: OpenAiFailureKind;
  statusCode?: number;
  /** OpenAI's `error.code`, when it looks like an identifier (`rate_limit_exceeded`). */
  providerCode?: string;
  /** OpenAI's `error.type` (`invalid_request_error`, `server_error`). */
  providerType?: string;
  /** OpenAI's `x-request-id`, for support tickets. */
  providerRequestId?: string;
  /** Whether trying again later can help (429, 5xx, timeouts, connection failures, open circuit). */
  retryable: boolean;
}

/** A failed OpenAI Files or Batches call, sanitized. */
export class OpenAiBatchError extends Error {
  public readonly operation: string;
  public readonly project: string;
  public readonly kind: OpenAiFailureKind;
  public readonly statusCode?: number;
  public readonly providerCode?: string;
  public readonly providerType?: string;
  public readonly providerRequestId?: string;
  public readonly retryable: boolean;

  public constructor(details: OpenAiBatchErrorDetails) {
    const what = details.statusCode === undefined ? details.kind : `HTTP ${details.statusCode}`;
    const code = details.providerCode ?? details.providerType;
    super(
      `OpenAI ${details.operation} failed for project ${details.project}: ${what}${code ? ` (${code})` : ''}`,
    );
    this.name = 'OpenAiBatchError';
    this.operation = details.operation;
    this.project = details.project;
    this.kind = details.kind;
    this.retryable = details.retryable;
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.providerCode !== undefined) this.providerCode = details.providerCode;
    if (details.providerType !== undefined) this.providerType = details.providerType;
    if (details.providerRequestId !== undefined) this.providerRequestId = details.providerRequestId;
  }

  /** A plain object for structured logs. */
  public toJSON(): OpenAiBatchErrorDetails & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      operation: this.operation,
      project: this.project,
      kind: this.kind,
      retryable: this.retryable,
      ...(this.statusCode === undefined ? {} : { statusCode: this.statusCode }),
      ...(this.providerCode === undefined ? {} : { providerCode: this.providerCode }),
      ...(this.providerType === undefined ? {} : { providerType: this.providerType }),
      ...(this.providerRequestId === undefined ? {} : { providerRequestId: this.providerRequestId }),
    };
  }
}

/** The project's circuit is open: the call was not attempted. */
export class CircuitOpenError extends OpenAiBatchError {
  /** Milliseconds until the circuit lets a trial call through. */
  public readonly retryAfterMs: number;

  public constructor(operation: string, project: string, retryAfterMs: number) {
    super({ operation, project, kind: 'circuit_open', retryable: true });
    this.name = 'CircuitOpenError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Client configuration that cannot work (empty key, bad numbers). Never echoes the key. */
export class InvalidOpenAiConfigError extends Error {
  public readonly field: string;

  public constructor(field: string, reason: string) {
    super(`invalid OpenAI batch client configuration: ${field} ${reason}`);
    this.name = 'InvalidOpenAiConfigError';
    this.field = field;
  }
}
