/** Context carried by client errors: what happened to which interactions, never their payloads. */
export type ClientErrorContext = Record<string, string | number | boolean | undefined>;

/**
 * Base class of everything the client reports through `onError`. `ids` names the interactions
 * concerned (empty for configuration errors), so an application can correlate or re-record them.
 */
export class TokentrailClientError extends Error {
  public readonly ids: string[];
  public readonly context: ClientErrorContext;

  public constructor(message: string, ids: string[] = [], context: ClientErrorContext = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TokentrailClientError';
    this.ids = ids;
    this.context = context;
  }
}

/** Constructor options that fail their schema; thrown (not reported), since nothing can work. */
export class InvalidClientOptionsError extends TokentrailClientError {
  public readonly issues: { path: string; message: string }[];

  public constructor(issues: { path: string; message: string }[]) {
    super(
      `invalid tokentrail client options: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidClientOptionsError';
    this.issues = issues;
  }
}

/** One validation problem of one interaction. */
export interface RejectionIssue {
  id: string;
  path: string;
  message: string;
}

/**
 * Interactions that will never be accepted as they are: invalid (checked locally, or `rejected`
 * in the server's per-item results, or a `400`), or too large (`413` for a single interaction).
 * They are dropped, never retried.
 */
export class InteractionRejectedError extends TokentrailClientError {
  public readonly issues: RejectionIssue[];
  /** HTTP status when the server refused them; absent when the client found the problem. */
  public readonly status?: number;

  public constructor(ids: string[], issues: RejectionIssue[], status?: number) {
    const where = status === undefined ? 'client-side validation' : `the server (HTTP ${status})`;
    const detail = issues
      .slice(0, 5)
      .map((issue) => `${issue.id} ${issue.path || '(root)'}: ${issue.message}`)
      .join('; ');
    super(`${ids.length} interaction(s) rejected by ${where}: ${detail}`, ids, {
      status,
      issueCount: issues.length,
    });
    this.name = 'InteractionRejectedError';
    this.issues = issues;
    this.status = status;
  }
}

/**
 * Interactions the client gave up on: the server refused the request for a reason retrying cannot
 * fix (`401`, `403`, `404`…), or every retry failed (network errors, `429`, `5xx`, per-item `failed`).
 */
export class DeliveryFailedError extends TokentrailClientError {
  public readonly status?: number;
  public readonly attempts: number;
  public readonly reason: 'refused' | 'retries-exhausted';

  public constructor(
    ids: string[],
    details: { reason: 'refused' | 'retries-exhausted'; attempts: number; status?: number; message: string },
    cause?: unknown,
  ) {
    super(
      `gave up on ${ids.length} interaction(s) after ${details.attempts} attempt(s): ${details.message}`,
      ids,
      { reason: details.reason, attempts: details.attempts, status: details.status },
      cause,
    );
    this.name = 'DeliveryFailedError';
    this.status = details.status;
    this.attempts = details.attempts;
    this.reason = details.reason;
  }
}

/** The buffer was full, so one interaction was dropped (the newest or the oldest, per the `overflow` policy). */
export class BufferOverflowError extends TokentrailClientError {
  public constructor(id: string, policy: 'drop-newest' | 'drop-oldest', maxBufferSize: number) {
    super(`buffer full (${maxBufferSize} interactions): dropped ${id} (${policy})`, [id], {
      policy,
      maxBufferSize,
    });
    this.name = 'BufferOverflowError';
  }
}

/** `record()` after `shutdown()`: the interaction is dropped. */
export class ClientClosedError extends TokentrailClientError {
  public constructor(id: string) {
    super(`client is shut down: dropped ${id}`, [id]);
    this.name = 'ClientClosedError';
  }
}
