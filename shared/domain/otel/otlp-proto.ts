/**
 * OTLP/HTTP protobuf encoding of trace exports (`application/x-protobuf`).
 *
 * The schema below is written for tokentrail and holds only the messages a trace export uses:
 * the field numbers and wire types are those of the OTLP specification (opentelemetry-proto),
 * which is what makes the bytes compatible; names are camelCase so that a decoded message reads
 * like its OTLP/JSON spelling. A decoded request is converted into exactly the OTLP/JSON shape
 * that {@link mapOtlpTraces} consumes, so the GenAI mapping exists once for both encodings.
 *
 * Unknown fields (newer exporters) are skipped by protobufjs; nesting is bounded by its
 * recursion limit (100, as protoc), so a hostile body cannot exhaust the stack.
 */
import { type IField, type INamespace, type Long, Root, type Type } from 'protobufjs/light';
import { InvalidOtlpRequestError } from './errors';
import type { OtlpExportTraceResponse } from './partial-success';

const repeated = (id: number, type: string): IField => ({ id, type, rule: 'repeated' });
const field = (id: number, type: string): IField => ({ id, type });

const COMMON = 'opentelemetry.proto.common.v1';
const RESOURCE = 'opentelemetry.proto.resource.v1';
const TRACE = 'opentelemetry.proto.trace.v1';
const COLLECTOR = 'opentelemetry.proto.collector.trace.v1';
const LOGS = 'opentelemetry.proto.logs.v1';
const LOGS_COLLECTOR = 'opentelemetry.proto.collector.logs.v1';

/** protobufjs JSON descriptor of the OTLP trace export messages (packages as in the specification). */
const SCHEMA = {
  nested: {
    [COMMON]: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: field(1, 'string'),
            boolValue: field(2, 'bool'),
            intValue: field(3, 'int64'),
            doubleValue: field(4, 'double'),
            arrayValue: field(5, 'ArrayValue'),
            kvlistValue: field(6, 'KeyValueList'),
            bytesValue: field(7, 'bytes'),
          },
        },
        ArrayValue: { fields: { values: repeated(1, 'AnyValue') } },
        KeyValueList: { fields: { values: repeated(1, 'KeyValue') } },
        KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
        InstrumentationScope: {
          fields: {
            name: field(1, 'string'),
            version: field(2, 'string'),
            attributes: repeated(3, 'KeyValue'),
            droppedAttributesCount: field(4, 'uint32'),
          },
        },
      },
    },
    [RESOURCE]: {
      nested: {
        Resource: {
          fields: {
            attributes: repeated(1, `${COMMON}.KeyValue`),
            droppedAttributesCount: field(2, 'uint32'),
          },
        },
      },
    },
    [TRACE]: {
      nested: {
        ResourceSpans: {
          fields: {
            resource: field(1, `${RESOURCE}.Resource`),
            scopeSpans: repeated(2, 'ScopeSpans'),
            schemaUrl: field(3, 'string'),
          },
        },
        ScopeSpans: {
          fields: {
            scope: field(1, `${COMMON}.InstrumentationScope`),
            spans: repeated(2, 'Span'),
            schemaUrl: field(3, 'string'),
          },
        },
        Span: {
          fields: {
            traceId: field(1, 'bytes'),
            spanId: field(2, 'bytes'),
            traceState: field(3, 'string'),
            parentSpanId: field(4, 'bytes'),
            name: field(5, 'string'),
            kind: field(6, 'SpanKind'),
            startTimeUnixNano: field(7, 'fixed64'),
            endTimeUnixNano: field(8, 'fixed64'),
            attributes: repeated(9, `${COMMON}.KeyValue`),
            droppedAttributesCount: field(10, 'uint32'),
            events: repeated(11, 'Event'),
            droppedEventsCount: field(12, 'uint32'),
            links: repeated(13, 'Link'),
            droppedLinksCount: field(14, 'uint32'),
            status: field(15, 'Status'),
            flags: field(16, 'fixed32'),
          },
          nested: {
            SpanKind: {
              values: {
                SPAN_KIND_UNSPECIFIED: 0,
                SPAN_KIND_INTERNAL: 1,
                SPAN_KIND_SERVER: 2,
                SPAN_KIND_CLIENT: 3,
                SPAN_KIND_PRODUCER: 4,
                SPAN_KIND_CONSUMER: 5,
              },
            },
            Event: {
              fields: {
                timeUnixNano: field(1, 'fixed64'),
                name: field(2, 'string'),
                attributes: repeated(3, `${COMMON}.KeyValue`),
                droppedAttributesCount: field(4, 'uint32'),
              },
            },
            Link: {
              fields: {
                traceId: field(1, 'bytes'),
                spanId: field(2, 'bytes'),
                traceState: field(3, 'string'),
                attributes: repeated(4, `${COMMON}.KeyValue`),
                droppedAttributesCount: field(5, 'uint32'),
                flags: field(6, 'fixed32'),
              },
            },
          },
        },
        Status: {
          // Field 1 is reserved (a deprecated code); the message and code are 2 and 3.
          fields: { message: field(2, 'string'), code: field(3, 'StatusCode') },
          nested: {
            StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } },
          },
        },
      },
    },
    [LOGS]: {
      nested: {
        ResourceLogs: {
          fields: {
            resource: field(1, `${RESOURCE}.Resource`),
            scopeLogs: repeated(2, 'ScopeLogs'),
            schemaUrl: field(3, 'string'),
          },
        },
        ScopeLogs: {
          fields: {
            scope: field(1, `${COMMON}.InstrumentationScope`),
            logRecords: repeated(2, 'LogRecord'),
            schemaUrl: field(3, 'string'),
          },
        },
        LogRecord: {
          // Field 4 is reserved.
          fields: {
            timeUnixNano: field(1, 'fixed64'),
            severityNumber: field(2, 'int32'),
            severityText: field(3, 'string'),
            body: field(5, `${COMMON}.AnyValue`),
            attributes: repeated(6, `${COMMON}.KeyValue`),
            droppedAttributesCount: field(7, 'uint32'),
            flags: field(8, 'fixed32'),
            traceId: field(9, 'bytes'),
            spanId: field(10, 'bytes'),
            observedTimeUnixNano: field(11, 'fixed64'),
            eventName: field(12, 'string'),
          },
        },
      },
    },
    [LOGS_COLLECTOR]: {
      nested: {
        ExportLogsServiceRequest: { fields: { resourceLogs: repeated(1, `${LOGS}.ResourceLogs`) } },
        ExportLogsServiceResponse: { fields: { partialSuccess: field(1, 'ExportLogsPartialSuccess') } },
        ExportLogsPartialSuccess: {
          fields: { rejectedLogRecords: field(1, 'int64'), errorMessage: field(2, 'string') },
        },
      },
    },
    [COLLECTOR]: {
      nested: {
        ExportTraceServiceRequest: { fields: { resourceSpans: repeated(1, `${TRACE}.ResourceSpans`) } },
        ExportTraceServiceResponse: { fields: { partialSuccess: field(1, 'ExportTracePartialSuccess') } },
        ExportTracePartialSuccess: {
          fields: { rejectedSpans: field(1, 'int64'), errorMessage: field(2, 'string') },
        },
      },
    },
  },
} satisfies INamespace;

// Built on first use, not at load: most ingest cold starts never see a protobuf export.
let schemaRoot: Root | undefined;
let traceTypes: { request: Type; response: Type } | undefined;
let logTypes: { request: Type; response: Type } | undefined;
function loadTraceTypes(): { request: Type; response: Type } {
  if (!traceTypes) {
    schemaRoot ??= Root.fromJSON(SCHEMA);
    traceTypes = {
      request: schemaRoot.lookupType(`${COLLECTOR}.ExportTraceServiceRequest`),
      response: schemaRoot.lookupType(`${COLLECTOR}.ExportTraceServiceResponse`),
    };
  }
  return traceTypes;
}
function loadLogTypes(): { request: Type; response: Type } {
  if (!logTypes) {
    schemaRoot ??= Root.fromJSON(SCHEMA);
    logTypes = {
      request: schemaRoot.lookupType(`${LOGS_COLLECTOR}.ExportLogsServiceRequest`),
      response: schemaRoot.lookupType(`${LOGS_COLLECTOR}.ExportLogsServiceResponse`),
    };
  }
  return logTypes;
}

/**
 * The protobufjs types of the OTLP trace export messages, for callers that build or read raw
 * protobuf (tests, clients); the ingest path only needs {@link decodeOtlpProtobufTraces} and
 * {@link encodeOtlpProtobufResponse}.
 */
export const OTLP_TRACE_TYPES: {
  readonly request: Type;
  readonly response: Type;
} = {
  get request() {
    return loadTraceTypes().request;
  },
  get response() {
    return loadTraceTypes().response;
  },
};

/** The OTLP/HTTP encodings; an answer uses the request's. */
export type OtlpEncoding = 'json' | 'protobuf';

/** The media type of OTLP/HTTP protobuf, for requests and their answers alike. */
export const OTLP_PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/**
 * The OTLP/HTTP encoding a `Content-Type` names, or `undefined` when it names neither. A missing
 * header counts as JSON (the only encoding accepted before protobuf, so old callers keep working).
 *
 * @example
 * otlpEncodingOf('application/x-protobuf'); // 'protobuf'
 * otlpEncodingOf('application/json; charset=utf-8'); // 'json'
 * otlpEncodingOf('text/plain'); // undefined
 */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (contentType === undefined) return 'json';
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media === OTLP_PROTOBUF_CONTENT_TYPE) return 'protobuf';
  // As before: any JSON media type (`application/json`, `application/otlp+json`…).
  return contentType.toLowerCase().includes('json') ? 'json' : undefined;
}

/** A value of the OTLP/JSON shape produced here. */
export type OtlpJson = string | number | boolean | OtlpJson[] | { [key: string]: OtlpJson };
type JsonObject = { [key: string]: OtlpJson };

/**
 * protobufjs message fields as decoded. 64-bit integers are `Long`s: protobufjs 7.6 requires
 * long.js statically, so the Lambda bundle carries it and they stay exact (numbers only as a fallback).
 */
type Int64 = Long | number;
interface AnyValueMessage {
  /** protobufjs' virtual oneof getter: the name of the member that is set. */
  value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: Int64;
  doubleValue: number;
  arrayValue: { values: AnyValueMessage[] } | null;
  kvlistValue: { values: KeyValueMessage[] } | null;
  bytesValue: Uint8Array;
}
interface KeyValueMessage {
  key: string;
  value: AnyValueMessage | null;
}
interface EventMessage {
  timeUnixNano: Int64;
  name: string;
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
}
interface LinkMessage {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
  flags: number;
}
interface SpanMessage {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
  events: EventMessage[];
  droppedEventsCount: number;
  links: LinkMessage[];
  droppedLinksCount: number;
  status: { message: string; code: number } | null;
  flags: number;
}
interface RequestMessage {
  resourceSpans: {
    resource: { attributes: KeyValueMessage[]; droppedAttributesCount: number } | null;
    scopeSpans: {
      scope: {
        name: string;
        version: string;
        attributes: KeyValueMessage[];
        droppedAttributesCount: number;
      } | null;
      spans: SpanMessage[];
      schemaUrl: string;
    }[];
    schemaUrl: string;
  }[];
}

/**
 * Decodes an OTLP/HTTP protobuf `ExportTraceServiceRequest` into its OTLP/JSON form: trace and
 * span ids as lower-case hex, 64-bit integers (`intValue`, `*TimeUnixNano`) as decimal strings,
 * enums as numbers, `bytesValue` as base64. Fields at their proto3 default are left out, as the
 * proto3 JSON mapping does, except the span's ids (so a missing id is reported by name). An empty
 * body is a valid, empty request.
 *
 * @throws {InvalidOtlpRequestError} when the bytes are not such a message; the issue names the
 *   problem and byte offset, never the content.
 * @example
 * const body = decodeOtlpProtobufTraces(bytes);
 * // { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8e…', spanId: 'eee1…', startTimeUnixNano: '1740830400123456789', … }] }] }] }
 * const { interactions } = mapOtlpTraces(body);
 */
export function decodeOtlpProtobufTraces(bytes: Uint8Array): JsonObject {
  let message: RequestMessage;
  try {
    message = OTLP_TRACE_TYPES.request.decode(bytes) as unknown as RequestMessage;
  } catch (error) {
    throw new InvalidOtlpRequestError([{ path: '', message: describeDecodeError(error) }]);
  }
  return {
    resourceSpans: message.resourceSpans.map((resourceSpans) =>
      withoutDefaults({
        resource: resourceSpans.resource
          ? withoutDefaults({
              attributes: keyValues(resourceSpans.resource.attributes),
              droppedAttributesCount: resourceSpans.resource.droppedAttributesCount,
            })
          : undefined,
        scopeSpans: resourceSpans.scopeSpans.map((scopeSpans) =>
          withoutDefaults({
            scope: scopeSpans.scope
              ? withoutDefaults({
                  name: scopeSpans.scope.name,
                  version: scopeSpans.scope.version,
                  attributes: keyValues(scopeSpans.scope.attributes),
                  droppedAttributesCount: scopeSpans.scope.droppedAttributesCount,
                })
              : undefined,
            spans: scopeSpans.spans.map(spanJson),
            schemaUrl: scopeSpans.schemaUrl,
          }),
        ),
        schemaUrl: resourceSpans.schemaUrl,
      }),
    ),
  };
}

/**
 * Encodes the answer to a protobuf export: an `ExportTraceServiceResponse`, empty when every span
 * was accepted, else with `partial_success` (`rejected_spans`, `error_message`).
 *
 * @example
 * encodeOtlpProtobufResponse({}); // Uint8Array(0)
 * encodeOtlpProtobufResponse(otlpPartialSuccess(1, 'span b7ad6b7169203332: …')); // 0a 1c 08 01 12 …
 */
export function encodeOtlpProtobufResponse(response: OtlpExportTraceResponse): Uint8Array {
  const type = OTLP_TRACE_TYPES.response;
  return type
    .encode(type.create(response.partialSuccess ? { partialSuccess: response.partialSuccess } : {}))
    .finish();
}

interface LogRecordMessage {
  timeUnixNano: Int64;
  observedTimeUnixNano: Int64;
  severityNumber: number;
  severityText: string;
  body: AnyValueMessage | null;
  attributes: KeyValueMessage[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
interface LogsRequestMessage {
  resourceLogs: {
    resource: { attributes: KeyValueMessage[] } | null;
    scopeLogs: {
      scope: { name: string; version: string } | null;
      logRecords: LogRecordMessage[];
    }[];
  }[];
}

/**
 * Decodes an OTLP/HTTP protobuf `ExportLogsServiceRequest` into its OTLP/JSON form, with the same
 * conventions as {@link decodeOtlpProtobufTraces} (hex ids, decimal 64-bit integers, defaults left out).
 *
 * @throws {InvalidOtlpRequestError} when the bytes are not such a message.
 * @example
 * const { interactions } = mapOtlpLogs(decodeOtlpProtobufLogs(bytes));
 */
export function decodeOtlpProtobufLogs(bytes: Uint8Array): JsonObject {
  let message: LogsRequestMessage;
  try {
    message = loadLogTypes().request.decode(bytes) as unknown as LogsRequestMessage;
  } catch (error) {
    throw new InvalidOtlpRequestError([{ path: '', message: describeDecodeError(error) }], 'logs export');
  }
  return {
    resourceLogs: message.resourceLogs.map((resourceLogs) =>
      withoutDefaults({
        resource: resourceLogs.resource
          ? withoutDefaults({ attributes: keyValues(resourceLogs.resource.attributes) })
          : undefined,
        scopeLogs: resourceLogs.scopeLogs.map((scopeLogs) =>
          withoutDefaults({
            scope: scopeLogs.scope
              ? withoutDefaults({ name: scopeLogs.scope.name, version: scopeLogs.scope.version })
              : undefined,
            logRecords: scopeLogs.logRecords.map((record) =>
              withoutDefaults({
                timeUnixNano: unixNano(record.timeUnixNano),
                observedTimeUnixNano: unixNano(record.observedTimeUnixNano),
                severityNumber: record.severityNumber,
                severityText: record.severityText,
                body: record.body ? anyValue(record.body) : undefined,
                attributes: keyValues(record.attributes),
                droppedAttributesCount: record.droppedAttributesCount,
                flags: record.flags,
                traceId: hex(record.traceId),
                spanId: hex(record.spanId),
                eventName: record.eventName,
              }),
            ),
          }),
        ),
      }),
    ),
  };
}

/**
 * Encodes the answer to a protobuf logs export: an `ExportLogsServiceResponse`, empty when every
 * record was accepted, else with `partial_success` (`rejected_log_records`, `error_message`).
 */
export function encodeOtlpProtobufLogsResponse(partialSuccess?: {
  rejectedLogRecords: number;
  errorMessage: string;
}): Uint8Array {
  const type = loadLogTypes().response;
  return type.encode(type.create(partialSuccess ? { partialSuccess } : {})).finish();
}

function spanJson(span: SpanMessage): JsonObject {
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    ...withoutDefaults({
      traceState: span.traceState,
      parentSpanId: hex(span.parentSpanId),
      flags: span.flags,
      name: span.name,
      kind: span.kind,
      startTimeUnixNano: unixNano(span.startTimeUnixNano),
      endTimeUnixNano: unixNano(span.endTimeUnixNano),
      attributes: keyValues(span.attributes),
      droppedAttributesCount: span.droppedAttributesCount,
      events: span.events.map((event) =>
        withoutDefaults({
          timeUnixNano: unixNano(event.timeUnixNano),
          name: event.name,
          attributes: keyValues(event.attributes),
          droppedAttributesCount: event.droppedAttributesCount,
        }),
      ),
      droppedEventsCount: span.droppedEventsCount,
      links: span.links.map((link) =>
        withoutDefaults({
          traceId: hex(link.traceId),
          spanId: hex(link.spanId),
          traceState: link.traceState,
          attributes: keyValues(link.attributes),
          droppedAttributesCount: link.droppedAttributesCount,
          flags: link.flags,
        }),
      ),
      droppedLinksCount: span.droppedLinksCount,
      status: span.status
        ? withoutDefaults({ message: span.status.message, code: span.status.code })
        : undefined,
    }),
  };
}

function keyValues(list: KeyValueMessage[]): JsonObject[] {
  return list.map(
    (entry): JsonObject =>
      entry.value ? { key: entry.key, value: anyValue(entry.value) } : { key: entry.key },
  );
}

/** One `AnyValue`: the set member of the oneof is kept even at its default (`false`, `0`, `""`). */
function anyValue(value: AnyValueMessage): JsonObject {
  switch (value.value) {
    case 'stringValue':
      return { stringValue: value.stringValue };
    case 'boolValue':
      return { boolValue: value.boolValue };
    case 'intValue':
      return { intValue: decimal(value.intValue) };
    case 'doubleValue':
      // JSON has no NaN or infinities: the proto3 JSON mapping spells them as strings.
      return {
        doubleValue: Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue),
      };
    case 'arrayValue':
      return { arrayValue: { values: (value.arrayValue?.values ?? []).map(anyValue) } };
    case 'kvlistValue':
      return { kvlistValue: { values: keyValues(value.kvlistValue?.values ?? []) } };
    case 'bytesValue':
      return { bytesValue: asBuffer(value.bytesValue).toString('base64') };
    default:
      return {};
  }
}

function decimal(value: Int64): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : value.toString();
}

/** A timestamp as a decimal string; zero (OTLP's "unknown") is left out like any default. */
function unixNano(value: Int64): string | undefined {
  const text = decimal(value);
  return text === '0' ? undefined : text;
}

function hex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

/** Decoded bytes are Buffers in Node; an absent field reads protobufjs' shared empty array. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

/** Drops `undefined`, zero, `''` and empty lists: proto3 defaults. */
function withoutDefaults(record: Record<string, OtlpJson | undefined>): JsonObject {
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === 0 || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    kept[key] = value;
  }
  return kept;
}

/** protobufjs' own messages name the problem and an offset; anything else is summarised. */
function describeDecodeError(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const truncated = /^index out of range(?:: (\d+) \+ \d+ > (\d+))?$/.exec(message);
  if (truncated) {
    return truncated[1] === undefined
      ? 'invalid protobuf: truncated (a length runs past the end)'
      : `invalid protobuf: truncated at byte ${truncated[1]} of ${truncated[2]}`;
  }
  const wireType = /^invalid wire type (\d+) at offset (\d+)$/.exec(message);
  if (wireType) return `invalid protobuf: wire type ${wireType[1]} at byte ${wireType[2]}`;
  if (message === 'maximum nesting depth exceeded')
    return 'invalid protobuf: nested deeper than 100 messages';
  if (message === 'invalid varint encoding') return 'invalid protobuf: bad varint';
  return 'invalid protobuf: not an ExportTraceServiceRequest';
}
