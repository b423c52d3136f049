/**
 * Every error an HTTP function can meet, mapped once to its answer: a status, a stable `code`, a
 * message and the `issues` by path, as `{"error": {"code", "message", "issues"}}`. Handlers
 * throw domain errors as they are and the router answers them through {@link toHttpError}, so a
 * domain error means the same answer on every route (modelled on Powertools' event-handler
 * `ErrorHandlerRegistry`: classes registered once, resolved by the nearest class).
 *
 * Messages of the answers are written here, never copied from payloads, so they are safe to return
 * and to log; anything unregistered becomes a bare 500 whose message is not passed on.
 */

import {
  isTransientDependencyError,
  MalformedMessageError,
  MissingConfigurationError,
} from '../adapters/aws/errors';
import { CircuitOpenError, InvalidOpenAiConfigError, OpenAiBatchError } from '../adapters/openai/errors';
import {
  AnalyticsError,
  InvalidAnalyticsInputError,
  InvalidDateError,
  InvalidHistoryError,
  InvalidRollupRecordError,
  InvalidTimestampError,
  RollupOverflowError,
} from '../domain/analytics/errors';
import { AnalysisError, InvalidAnalysisInputError } from '../domain/batch-analysis/errors';
import { AnalysisJobError, SimulatedCrashError } from '../domain/batch-analysis/jobs/errors';
import { type InputIssue, InvalidInteractionError } from '../domain/interaction/errors';
import { InconsistentUsageError, NormalizeError } from '../domain/normalize/errors';
import { InvalidOtlpRequestError, OtelMappingError } from '../domain/otel/errors';
import {
  CatalogLayerTooLargeError,
  InvalidPricingRuleError,
  InvalidPricingRulesError,
  PricingError,
} from '../domain/pricing/errors';
import { InvalidRedactionConfigError, RedactionBudgetExceededError } from '../domain/redaction/errors';
import { InvalidCursorError } from '../domain/table/cursor';

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

/** A fault of ours or of stored data: the client gets no detail (the log gets the class). */
export class InternalServerError extends HttpError {
  public constructor() {
    super(500, 'internal', 'internal error');
  }
}

/** A class of errors, abstract ones included (a family's base class). */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters differ per class
export type ErrorClass<E extends Error = Error> = abstract new (...args: any[]) => E;

/** Turns one error of a registered class into its answer. */
export type ErrorAnswer<E extends Error = Error> = (error: E) => HttpError;

/**
 * Error classes and their answers. An error resolves to the answer of its own class, else of its
 * nearest registered ancestor, so a subclass can be answered apart from its family.
 */
export class ErrorAnswerRegistry {
  readonly #answers = new Map<ErrorClass, ErrorAnswer>();

  /**
   * Registers the answer for `type` (and, unless they have their own, its subclasses).
   *
   * @throws {Error} when `type` already has an answer: one class, one answer.
   */
  public register<E extends Error>(type: ErrorClass<E>, answer: ErrorAnswer<E>): this {
    if (this.#answers.has(type)) throw new Error(`${type.name} already has an HTTP answer`);
    this.#answers.set(type, answer as ErrorAnswer);
    return this;
  }

  /** True when `type` itself is registered (not only through an ancestor). */
  public has(type: ErrorClass): boolean {
    return this.#answers.has(type);
  }

  /** The answer of `error`'s nearest registered class, or `undefined`. */
  public resolve(error: Error): ErrorAnswer | undefined {
    for (
      let prototype: unknown = Object.getPrototypeOf(error);
      prototype !== null && prototype !== Error.prototype;
      prototype = Object.getPrototypeOf(prototype)
    ) {
      const answer = this.#answers.get((prototype as { constructor: ErrorClass }).constructor);
      if (answer) return answer;
    }
    return undefined;
  }
}

const internal: ErrorAnswer = () => new InternalServerError();
const unavailable = () => new ServiceUnavailableError('a dependency is unavailable; retry the same request');

/**
 * Every domain and adapter error class (each `errors.ts` under `shared/`) and its answer. Input the client can fix is a
 * 400 with the issues by path; a fault of stored data, configuration or our code is a 500 that tells
 * the client nothing (the client SDK's own errors never reach the server and are not listed).
 */
export const DOMAIN_ERROR_ANSWERS = new ErrorAnswerRegistry()
  // Client input.
  .register(InvalidInteractionError, (error) => new BadRequestError('invalid request body', error.issues))
  .register(
    InvalidOtlpRequestError,
    (error) => new BadRequestError(`invalid OTLP ${error.exportKind}`, error.issues),
  )
  .register(InvalidPricingRulesError, (error) => new BadRequestError('invalid pricing rules', error.issues))
  .register(
    CatalogLayerTooLargeError,
    (error) => new BadRequestError('catalog too large', [{ path: 'rules', message: error.message }]),
  )
  .register(
    InvalidRedactionConfigError,
    (error) => new BadRequestError('invalid redaction configuration', error.issues),
  )
  .register(InvalidAnalysisInputError, (error) => new BadRequestError(`invalid ${error.what}`, error.issues))
  .register(InvalidAnalyticsInputError, (error) => new BadRequestError(`invalid ${error.what}`, error.issues))
  .register(
    InvalidDateError,
    (error) =>
      new BadRequestError('invalid date', [{ path: '', message: `expected a valid ${error.expected}` }]),
  )
  .register(
    InvalidCursorError,
    (error) => new BadRequestError('invalid query parameters', [{ path: 'cursor', message: error.message }]),
  )
  // Faults of stored data, configuration or code: nothing the client can change.
  .register(InvalidTimestampError, internal)
  .register(InvalidRollupRecordError, internal)
  .register(RollupOverflowError, internal)
  .register(InvalidHistoryError, internal)
  .register(InconsistentUsageError, internal)
  .register(InvalidPricingRuleError, internal)
  .register(RedactionBudgetExceededError, internal)
  .register(MissingConfigurationError, internal)
  .register(MalformedMessageError, internal)
  .register(InvalidOpenAiConfigError, internal)
  .register(AnalysisJobError, internal)
  .register(SimulatedCrashError, internal)
  // OpenAI: a 429, 5xx, timeout or open circuit passes; anything else is ours to fix.
  .register(OpenAiBatchError, (error) => (error.retryable ? unavailable() : new InternalServerError()))
  .register(CircuitOpenError, unavailable)
  // Family bases, for a member added without its own answer.
  .register(AnalysisError, internal)
  .register(AnalyticsError, internal)
  .register(NormalizeError, internal)
  .register(OtelMappingError, internal)
  .register(PricingError, internal);

/**
 * The answer to any error thrown while handling a request: an `HttpError` as it is; a dependency
 * that is unavailable for now (throttling, a 5xx, a timeout) a 503 the client can retry; a domain
 * error its registered answer; anything else a bare 500 that does not pass the message on.
 *
 * @example
 * toHttpError(new InvalidPricingRulesError([{ path: 'rules.0.model', message: 'Required' }]));
 * // BadRequestError: 400 invalid_request 'invalid pricing rules', issues [{ path: 'rules.0.model', ... }]
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // Nothing was done, so the same request can be retried.
  if (isTransientDependencyError(error)) return unavailable();
  const answer = error instanceof Error ? DOMAIN_ERROR_ANSWERS.resolve(error) : undefined;
  return answer ? answer(error as Error) : new InternalServerError();
}
