/** A required setting is missing from the function's environment. */
export class MissingConfigurationError extends Error {
  public readonly variable: string;

  public constructor(variable: string) {
    super(`environment variable ${variable} is not set`);
    this.name = 'MissingConfigurationError';
    this.variable = variable;
  }
}

/** A message on the ingest queue that does not have the envelope shape; it goes to the DLQ. */
export class MalformedMessageError extends Error {
  public readonly messageId: string;

  public constructor(messageId: string, reason: string) {
    super(`message ${messageId} is malformed: ${reason}`);
    this.name = 'MalformedMessageError';
    this.messageId = messageId;
  }
}

/** Error names AWS services use for throttling, their own faults and timeouts. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'TransactionConflictException',
  'InternalServerError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Socket errors of a dependency that is down or unreachable for now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * True when an error says a dependency is unavailable for now (throttling, a 5xx, a timeout, a
 * refused or reset connection) rather than that the work itself is bad. Such work is retried
 * later and must not count against a message's receive budget (the DLQ is for bad records).
 *
 * @example
 * isTransientDependencyError(Object.assign(new Error(), { name: 'ThrottlingException' })); // true
 * isTransientDependencyError(new MalformedMessageError('m-1', 'not JSON')); // false
 */
export function isTransientDependencyError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const candidate = error as {
    name?: unknown;
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    CancellationReasons?: { Code?: string }[];
    cause?: unknown;
    errors?: unknown[];
  };
  if (typeof candidate.name === 'string' && TRANSIENT_NAMES.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return true;
  if (candidate.$retryable) return true;
  const status = candidate.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  // An SDK call that got no HTTP answer at all (connection refused or reset, a timeout): the SDK
  // sets `$metadata` without a status, and may wrap the socket error so that its code is lost.
  if (candidate.$metadata && status === undefined) return true;
  // A transaction cancelled by throttling or a conflicting transaction, not by a failed condition.
  if (
    candidate.name === 'TransactionCanceledException' &&
    (candidate.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ThrottlingError' || reason.Code === 'TransactionConflict',
    )
  ) {
    return true;
  }
  if (candidate.cause !== undefined && isTransientDependencyError(candidate.cause, depth + 1)) return true;
  return (candidate.errors ?? []).some((inner) => isTransientDependencyError(inner, depth + 1));
}
