import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidCursorError } from '../aws/errors';
import { BadRequestError, HttpError, PayloadTooLargeError } from './errors';

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

/** The JSON answer for an error; anything that is not an `HttpError` becomes a bare 500. */
export function errorResult(error: unknown): HttpResult {
  if (error instanceof HttpError) {
    return json(
      error.statusCode,
      { error: { code: error.code, message: error.message, issues: error.issues } },
      error.headers,
    );
  }
  if (error instanceof InvalidCursorError) {
    return errorResult(
      new BadRequestError('invalid query parameters', [{ path: 'cursor', message: error.message }]),
    );
  }
  return json(500, { error: { code: 'internal', message: 'internal error', issues: [] } });
}

/** Most bytes a request body may have (API Gateway allows 10 MB; Lambda's sync limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Decodes and parses a JSON request body.
 *
 * @throws {PayloadTooLargeError} over `maxBytes`.
 * @throws {BadRequestError} when absent or not JSON (the message names the position, never the text).
 */
export function parseJsonBody(
  event: HttpEvent,
  maxBytes = MAX_BODY_BYTES,
): { value: unknown; bytes: number } {
  if (!event.body)
    throw new BadRequestError('request body is required', [{ path: '', message: 'expected JSON' }]);
  const raw = readBody(event, maxBytes);
  try {
    return { value: JSON.parse(raw.toString('utf8')), bytes: raw.byteLength };
  } catch (error) {
    const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw new BadRequestError('request body is not valid JSON', [
      { path: '', message: position ? `invalid JSON at byte ${position}` : 'invalid JSON' },
    ]);
  }
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
  const encoding = header(event, 'content-encoding');
  if (encoding === 'gzip') {
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
