import type { InputIssue } from '../interaction/errors';

/**
 * An error that answers an HTTP request with its status and a JSON body
 * `{"error": {"code", "message", "issues"}}`. Messages are written by us, never copied from
 * payloads, so they are safe to return and to log.
 */
export class HttpError extends Error {
  public readonly statusCode: number;
  public readonly code: string;
  public readonly issues: InputIssue[];
  public readonly headers: Record<string, string>;

  public constructor(
    statusCode: number,
    code: string,
    message: string,
    issues: InputIssue[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.issues = issues;
    this.headers = headers;
  }
}

export class BadRequestError extends HttpError {
  public constructor(message: string, issues: InputIssue[] = []) {
    super(400, 'invalid_request', message, issues);
  }
}

export class UnauthorizedError extends HttpError {
  public constructor(message = 'missing or unknown API key') {
    super(401, 'unauthorized', message, [], { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends HttpError {
  public constructor(scope: string) {
    super(403, 'forbidden', `this API key lacks the "${scope}" scope`);
  }
}

export class NotFoundError extends HttpError {
  public constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class PayloadTooLargeError extends HttpError {
  public constructor(limitBytes: number) {
    super(413, 'payload_too_large', `request body exceeds ${limitBytes} bytes`);
  }
}

export class ServiceUnavailableError extends HttpError {
  public constructor(message: string) {
    super(503, 'unavailable', message, [], { 'retry-after': '1' });
  }
}
