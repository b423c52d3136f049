/**
 * The `ExportTraceServiceResponse` of OTLP/HTTP (JSON). Per the OTLP specification a fully
 * accepted request answers an empty object (`partial_success` unset); when spans are rejected
 * the server answers HTTP 200 with their count and a human-readable reason, and clients must
 * not retry them.
 */
export interface OtlpExportTraceResponse {
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

/** Longest `errorMessage` we send back; the exporter logs it, so it stays readable. */
const MAX_ERROR_MESSAGE = 1_024;

/**
 * Builds the OTLP export response: `{}` when nothing was rejected, else
 * `{partialSuccess: {rejectedSpans, errorMessage}}`. `rejectedSpans` is a JSON number (proto3 JSON
 * parsers accept an int64 as a number or a string).
 *
 * @example
 * otlpPartialSuccess(0, ''); // {}
 * otlpPartialSuccess(2, 'span eee19b7ec3c1b174: endTimeUnixNano is before startTimeUnixNano');
 * // { partialSuccess: { rejectedSpans: 2, errorMessage: 'span eee19b7ec3c1b174: …' } }
 */
export function otlpPartialSuccess(rejectedCount: number, message: string): OtlpExportTraceResponse {
  if (!Number.isSafeInteger(rejectedCount) || rejectedCount <= 0) return {};
  const errorMessage =
    message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
  return { partialSuccess: { rejectedSpans: rejectedCount, errorMessage } };
}
