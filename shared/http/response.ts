import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { BadRequestError, HttpError, PayloadTooLargeError, toHttpError } from './errors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** A JSON answer. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The JSON answer for any error, through the one mapping of {@link toHttpError}: an unregistered
 * error becomes a bare 500.
 */
export function errorResult(error: unknown): HttpResult {
  const answer = toHttpError(error);
  return json(
    answer.statusCode,
    { error: { code: answer.code, message: answer.message, issues: answer.issues } },
    answer.headers,
  );
}

/** Most bytes a request body may have (API Gateway allows 10 MB; Lambda's sync limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Deepest nesting of objects and arrays a JSON body may have. Provider payloads are a few levels
 * deep; a bound keeps every recursive step after parsing (validation, redaction, storage) safe.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The path of the first value nested deeper than `maxDepth` levels, or `undefined` when none is.
 * Iterative, so any depth is measured without recursion.
 *
 * @example
 * tooDeepPath({ a: [[{}]] }, 2); // 'a.0'
 */
export function tooDeepPath(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (path.length >= maxDepth) return path.join('.');
    const entries = Array.isArray(node) ? node.entries() : Object.entries(node);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, path: [...path, key] });
    }
  }
  return undefined;
}

/** True for `application/json` and `application/<x>+json`, whatever the parameters and case. */
function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Decodes and parses a JSON request body. A body announced as something other than JSON is
 * refused rather than guessed at; an absent `Content-Type` is read as JSON.
 *
 * @throws {PayloadTooLargeError} over `maxBytes`.
 * @throws {HttpError} 415 when `Content-Type` names another media type.
 * @throws {BadRequestError} when absent, not JSON (the message names the position, never the
 *   text), or nested deeper than {@link MAX_JSON_DEPTH} (the issue names the path).
 */
export function parseJsonBody(
  event: HttpEvent,
  maxBytes = MAX_BODY_BYTES,
): { value: unknown; bytes: number } {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json', [
      { path: 'content-type', message: 'expected application/json' },
    ]);
  }
  if (!event.body)
    throw new BadRequestError('request body is required', [{ path: '', message: 'expected JSON' }]);
  const raw = readBody(event, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw new BadRequestError('request body is not valid JSON', [
      { path: '', message: position ? `invalid JSON at byte ${position}` : 'invalid JSON' },
    ]);
  }
  const deep = tooDeepPath(value);
  if (deep !== undefined) {
    throw new BadRequestError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: abbreviatePath(deep), message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
  return { value, bytes: raw.byteLength };
}

/** A long path keeps its first segments, so an answer stays small. */
function abbreviatePath(path: string): string {
  const segments = path.split('.');
  return segments.length <= 8 ? path : `${segments.slice(0, 6).join('.')}.….${segments.at(-1)}`;
}

/**
 * The request body's bytes: base64-decoded when API Gateway sent it so (binary media such as
 * protobuf, and anything content-encoded), then gunzipped for `Content-Encoding: gzip`, with
 * the size limit applied before and after inflating. An absent body is empty.
 *
 * @throws {PayloadTooLargeError} over `maxBytes`.
 * @throws {BadRequestError} when gzip is announced but the body is not gzip within the limit.
 * @throws {HttpError} 415 for a content encoding other than gzip or identity.
 * @example
 * const bytes = readBody(event); // Buffer, e.g. an OTLP protobuf export
 */
export function readBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): Buffer {
  if (!event.body) return Buffer.alloc(0);
  let raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
  // Content codings are case-insensitive (RFC 9110 §8.4.1).
  const encoding = header(event, 'content-encoding')?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      // Bounded, so a small bomb cannot inflate past the limit.
      raw = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch {
      throw new BadRequestError('request body is not valid gzip within the size limit', [
        { path: '', message: 'bad gzip' },
      ]);
    }
  } else if (encoding && encoding !== 'identity') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `content-encoding ${encoding.slice(0, 32)} is not supported; use gzip`,
    );
  }
  return raw;
}

/** A header value, case-insensitively. */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * A path parameter, percent-decoded once and validated: bad percent-encoding, a double-encoded
 * or overlong value is a 400 naming the parameter, never a 500 or a lookup of garbage.
 *
 * @throws {BadRequestError} with the parameter's name as the issue path.
 * @example
 * const id = pathParameter(event, 'id', identifierSchema);
 */
export function pathParameter(event: HttpEvent, name: string, schema: z.ZodType<string>): string {
  const raw = event.pathParameters?.[name] ?? '';
  let decoded = raw;
  if (raw.includes('%')) {
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new BadRequestError(`invalid path parameter ${name}`, [
        { path: name, message: 'bad percent-encoding' },
      ]);
    }
  }
  const result = schema.safeParse(decoded);
  if (!result.success) {
    throw new BadRequestError(`invalid path parameter ${name}`, [
      { path: name, message: result.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return result.data;
}
