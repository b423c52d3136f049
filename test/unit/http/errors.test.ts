import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { MissingConfigurationError } from '../../../shared/adapters/aws/errors';
import { CircuitOpenError, OpenAiBatchError } from '../../../shared/adapters/openai/errors';
import {
  InvalidAnalyticsInputError,
  InvalidDateError,
  RollupOverflowError,
} from '../../../shared/domain/analytics/errors';
import { InvalidAnalysisInputError } from '../../../shared/domain/batch-analysis/errors';
import { InvalidInteractionError } from '../../../shared/domain/interaction/errors';
import { InconsistentUsageError } from '../../../shared/domain/normalize/errors';
import { InvalidOtlpRequestError, OtelMappingError } from '../../../shared/domain/otel/errors';
import {
  CatalogLayerTooLargeError,
  InvalidPricingRulesError,
  PricingError,
} from '../../../shared/domain/pricing/errors';
import { InvalidRedactionConfigError } from '../../../shared/domain/redaction/errors';
import { InvalidCursorError } from '../../../shared/domain/table/cursor';
import {
  BadRequestError,
  DOMAIN_ERROR_ANSWERS,
  ErrorAnswerRegistry,
  type ErrorClass,
  HttpError,
  InternalServerError,
  NotFoundError,
  toHttpError,
  UnauthorizedError,
} from '../../../shared/http/errors';
import { errorResult } from '../../../shared/http/response';

const SHARED = resolve(__dirname, '../../../shared');
/**
 * Folders whose errors are not mapped: the client SDK's and the CLI's (they never reach the
 * server) and the HTTP layer's own.
 */
const NOT_SERVER_DOMAIN = new Set(['client', 'cli', 'http']);

/**
 * Errors raised only outside a request (scheduled jobs, the queue, the secrets jobs read, data a
 * job finds stored): the default 500 answers them should one ever surface, and they stay
 * unregistered so that the HTTP functions do not bundle job code to import them. Each is named
 * here on purpose; a new error class must be registered or added here.
 */
const RAISED_OUTSIDE_REQUESTS = new Set([
  'InvalidJobInputError',
  'MissingOpenAiKeyError',
  'OpenAiSecretError',
  'AnalysisWriteConflictError',
  'NotificationFailedError',
  'BatchWriteIncompleteError',
  'InvalidBudgetSettingsError',
  'ProviderAccountsUnavailableError',
  'DayRepriceIncompleteError',
  'InvalidProviderAccountsError',
  'ReconcileFailedError',
  'ProviderReportError',
  'UnsupportedCurrencyError',
]);
const ERROR_CLASS = /^export class (\w+) extends \w*Error\b/gm;

/** Every source file under `shared/` (wherever the regroup puts it), but the client's and HTTP's. */
function sourceFiles(dir = SHARED): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return NOT_SERVER_DOMAIN.has(name) ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every exported error class declared under `shared/`, by `folder/Class`. */
function domainErrorClasses(): [string, ErrorClass][] {
  return sourceFiles().flatMap((file) => {
    const names = [...readFileSync(file, 'utf8').matchAll(ERROR_CLASS)].map((match) => match[1]!);
    if (names.length === 0) return [];
    const module = require(file) as Record<string, ErrorClass>;
    const folder = relative(SHARED, file).split(sep).slice(0, -1).join('/');
    return names.map((name): [string, ErrorClass] => [`${folder}/${name}`, module[name]!]);
  });
}

const answer = (error: unknown) => {
  const http = toHttpError(error);
  return { status: http.statusCode, code: http.code, message: http.message, issues: http.issues };
};

describe('the error → HTTP mapping', () => {
  it('finds the domain error modules', () => {
    expect(domainErrorClasses().length).toBeGreaterThanOrEqual(20);
  });

  it.each(domainErrorClasses())(
    'registers %s itself, or names it as raised outside requests',
    (name, type) => {
      if (RAISED_OUTSIDE_REQUESTS.has(name.split('/').at(-1)!)) {
        expect(toHttpError(Object.create(type.prototype) as Error)).toBeInstanceOf(InternalServerError);
      } else {
        expect(DOMAIN_ERROR_ANSWERS.has(type)).toBe(true);
      }
    },
  );

  it.each([
    [
      new InvalidInteractionError([{ path: 'interactions.0.model', message: 'Required' }]),
      400,
      'invalid request body',
      [{ path: 'interactions.0.model', message: 'Required' }],
    ],
    [
      new InvalidOtlpRequestError([{ path: 'resourceSpans', message: 'expected array' }]),
      400,
      'invalid OTLP trace export',
      [{ path: 'resourceSpans', message: 'expected array' }],
    ],
    [
      new InvalidOtlpRequestError([{ path: '', message: 'bad wire type' }], 'logs export'),
      400,
      'invalid OTLP logs export',
      [{ path: '', message: 'bad wire type' }],
    ],
    [
      new InvalidPricingRulesError([{ path: 'rules.0.perMillion', message: 'Required' }]),
      400,
      'invalid pricing rules',
      [{ path: 'rules.0.perMillion', message: 'Required' }],
    ],
    [
      new CatalogLayerTooLargeError(400_001, 400_000),
      400,
      'catalog too large',
      [{ path: 'rules', message: 'catalog layer is 400001 bytes compressed; at most 400000' }],
    ],
    [
      new InvalidRedactionConfigError([{ path: 'customRules.0.pattern', message: 'not RE2' }]),
      400,
      'invalid redaction configuration',
      [{ path: 'customRules.0.pattern', message: 'not RE2' }],
    ],
    [
      new InvalidAnalysisInputError('analysis settings', [{ path: 'sampleRate', message: 'at most 1' }]),
      400,
      'invalid analysis settings',
      [{ path: 'sampleRate', message: 'at most 1' }],
    ],
    [
      new InvalidAnalyticsInputError('rollup options', [{ path: 'date', message: 'Required' }]),
      400,
      'invalid rollup options',
      [{ path: 'date', message: 'Required' }],
    ],
    [
      new InvalidDateError('2025-02-30', 'YYYY-MM-DD'),
      400,
      'invalid date',
      [{ path: '', message: 'expected a valid YYYY-MM-DD' }],
    ],
    [
      new InvalidCursorError('interactions'),
      400,
      'invalid query parameters',
      [{ path: 'cursor', message: "not a cursor from this interactions list's nextCursor" }],
    ],
  ])('answers %p with %i %s', (error, status, message, issues) => {
    expect(answer(error)).toEqual({ status, code: 'invalid_request', message, issues });
  });

  it.each([
    new MissingConfigurationError('LEDGER_TABLE'),
    new RollupOverflowError('totalNanos', 'p#2025-01-01'),
    new InconsistentUsageError(['cachedInputTokens > inputTokens']),
    new PricingError('a new member of the family'),
    new OtelMappingError('another one'),
    new OpenAiBatchError({
      operation: 'files.create',
      project: 'p1',
      kind: 'http',
      statusCode: 400,
      retryable: false,
    }),
    new Error('secret sk-live-123 in a message'),
    new TypeError("Cannot read properties of undefined (reading 'sk-live-123')"),
    'a thrown string sk-live-123',
    undefined,
  ])('answers %p with a bare 500 that passes no message on', (error) => {
    const result = errorResult(error);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body!)).toEqual({
      error: { code: 'internal', message: 'internal error', issues: [] },
    });
    expect(result.body).not.toContain('sk-live');
  });

  it.each([
    Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    new CircuitOpenError('batches.create', 'p1', 30_000),
    new OpenAiBatchError({
      operation: 'files.create',
      project: 'p1',
      kind: 'http',
      statusCode: 429,
      retryable: true,
    }),
  ])('answers an unavailable dependency (%p) with a retryable 503', (unavailable) => {
    expect(errorResult(unavailable)).toMatchObject({ statusCode: 503, headers: { 'retry-after': '1' } });
    expect(answer(unavailable)).toMatchObject({ code: 'unavailable' });
  });

  it('passes an HttpError through with its headers', () => {
    const unauthorized = new UnauthorizedError();
    expect(toHttpError(unauthorized)).toBe(unauthorized);
    expect(errorResult(new NotFoundError('interaction "x"'))).toMatchObject({
      statusCode: 404,
      body: JSON.stringify({
        error: { code: 'not_found', message: 'interaction "x" not found', issues: [] },
      }),
    });
    expect(errorResult(unauthorized).headers).toMatchObject({ 'www-authenticate': 'Bearer' });
  });
});

describe('ErrorAnswerRegistry', () => {
  class Family extends Error {}
  class Member extends Family {}
  class Special extends Member {}

  it('resolves the nearest registered class of an error', () => {
    const registry = new ErrorAnswerRegistry()
      .register(Family, () => new HttpError(409, 'family', 'family'))
      .register(Special, () => new BadRequestError('special'));
    expect(registry.resolve(new Member())?.(new Member()).code).toBe('family');
    expect(registry.resolve(new Special())?.(new Special()).message).toBe('special');
    expect(registry.resolve(new Error('other'))).toBeUndefined();
  });

  it('refuses a second answer for one class', () => {
    const registry = new ErrorAnswerRegistry().register(Family, () => new BadRequestError('one'));
    expect(() => registry.register(Family, () => new BadRequestError('two'))).toThrow(/already/);
  });
});
