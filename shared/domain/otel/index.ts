/**
 * OpenTelemetry ingestion: OTLP/HTTP trace exports (JSON or protobuf) with GenAI attributes → interactions.
 * Domain code: no AWS imports, no network.
 */
export { InvalidOtlpRequestError, OtelMappingError, type OtlpExportKind, type OtlpIssue } from './errors';
export { toTokentrailProvider, UNKNOWN_PROVIDER } from './genai';
export {
  MAX_LOG_RECORDS_PER_EXPORT,
  mapOtlpLogs,
  type OtlpLogsMappingResult,
  otlpExportLogsRequestSchema,
} from './map-logs';
export {
  MAX_SPANS_PER_EXPORT,
  mapOtlpSpan,
  mapOtlpTraces,
  type OtlpInteraction,
  type OtlpMappingResult,
  otelInteractionId,
  type RejectedSpan,
  type SpanMapping,
  type SpanOrigin,
} from './map-traces';
export {
  type AttributeValue,
  decodeAnyValue,
  decodeAttributes,
  type OtlpExportTraceRequest,
  type OtlpSpan,
  otlpExportTraceRequestSchema,
  otlpKeyValueSchema,
  otlpSpanSchema,
} from './otlp-json';
export {
  decodeOtlpProtobufLogs,
  decodeOtlpProtobufTraces,
  encodeOtlpProtobufLogsResponse,
  encodeOtlpProtobufResponse,
  OTLP_PROTOBUF_CONTENT_TYPE,
  OTLP_TRACE_TYPES,
  type OtlpEncoding,
  type OtlpJson,
  otlpEncodingOf,
} from './otlp-proto';
export { type OtlpExportTraceResponse, otlpPartialSuccess } from './partial-success';
