import fc from 'fast-check';
import {
  decodeOtlpProtobufTraces,
  encodeOtlpProtobufResponse,
  InvalidOtlpRequestError,
  mapOtlpTraces,
  OTLP_TRACE_TYPES,
  otlpEncodingOf,
  otlpPartialSuccess,
} from '../../../shared/domain/otel';
import { exportRequest, PARENT_SPAN_ID, SPAN_ID, span, TRACE_ID } from './spans';

/** Encodes a request given in protobufjs' object form (ids as bytes, 64-bit values as decimal strings). */
function encodeRequest(request: Record<string, unknown>): Uint8Array {
  const type = OTLP_TRACE_TYPES.request;
  return type.encode(type.fromObject(request)).finish();
}

const bytesOf = (hexText: string) => Buffer.from(hexText, 'hex');

/**
 * The OTLP/JSON request of `spans.ts`, rewritten into protobufjs' object form: the ids become bytes.
 * Everything else (decimal 64-bit strings, AnyValue members, enums as numbers) reads the same.
 */
function toProtoObject(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toProtoObject(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, toProtoObject(item, name)]));
  }
  return typeof value === 'string' && /^(traceId|spanId|parentSpanId)$/.test(key) ? bytesOf(value) : value;
}

function decodeError(bytes: Uint8Array): InvalidOtlpRequestError {
  try {
    decodeOtlpProtobufTraces(bytes);
  } catch (error) {
    if (error instanceof InvalidOtlpRequestError) return error;
    throw error;
  }
  throw new Error('expected the bytes to be rejected');
}

describe('decodeOtlpProtobufTraces', () => {
  it('round-trips a hand-built request into the OTLP/JSON shape: hex ids, decimal 64-bit strings, enums as numbers', () => {
    const bytes = encodeRequest({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }],
            droppedAttributesCount: 1,
          },
          scopeSpans: [
            {
              scope: { name: '@opentelemetry/instrumentation-openai', version: '0.5.0' },
              schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
              spans: [
                {
                  traceId: bytesOf('5B8EFFF798038103D269B633813FC60C'),
                  spanId: bytesOf(SPAN_ID),
                  parentSpanId: bytesOf(PARENT_SPAN_ID),
                  traceState: 'vendor=1',
                  flags: 0x101,
                  name: 'chat gpt-4o',
                  kind: 3,
                  startTimeUnixNano: '1740830400123456789',
                  endTimeUnixNano: '18446744073709551615',
                  attributes: [
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '9007199254740993' } },
                  ],
                  droppedAttributesCount: 2,
                  events: [
                    {
                      timeUnixNano: '1740830401000000001',
                      name: 'exception',
                      attributes: [{ key: 'exception.type', value: { stringValue: 'RateLimitError' } }],
                    },
                  ],
                  droppedEventsCount: 3,
                  links: [
                    {
                      traceId: bytesOf('0af7651916cd43dd8448eb211c80319c'),
                      spanId: bytesOf('b7ad6b7169203331'),
                      flags: 1,
                    },
                  ],
                  droppedLinksCount: 4,
                  status: { code: 2, message: 'Rate exceeded' },
                },
              ],
            },
          ],
        },
      ],
    });

    expect(decodeOtlpProtobufTraces(bytes)).toEqual({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }],
            droppedAttributesCount: 1,
          },
          scopeSpans: [
            {
              scope: { name: '@opentelemetry/instrumentation-openai', version: '0.5.0' },
              schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  parentSpanId: PARENT_SPAN_ID,
                  traceState: 'vendor=1',
                  flags: 0x101,
                  name: 'chat gpt-4o',
                  kind: 3,
                  startTimeUnixNano: '1740830400123456789',
                  endTimeUnixNano: '18446744073709551615',
                  attributes: [
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                    // Beyond 2^53: exact, as the decimal string the JSON encoding carries.
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '9007199254740993' } },
                  ],
                  droppedAttributesCount: 2,
                  events: [
                    {
                      timeUnixNano: '1740830401000000001',
                      name: 'exception',
                      attributes: [{ key: 'exception.type', value: { stringValue: 'RateLimitError' } }],
                    },
                  ],
                  droppedEventsCount: 3,
                  links: [
                    { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', flags: 1 },
                  ],
                  droppedLinksCount: 4,
                  status: { code: 2, message: 'Rate exceeded' },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('decodes every AnyValue kind, keeping a set member at its default value', () => {
    const bytes = encodeRequest({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: bytesOf(TRACE_ID),
                  spanId: bytesOf(SPAN_ID),
                  attributes: [
                    { key: 'string', value: { stringValue: 'héllo' } },
                    { key: 'empty string', value: { stringValue: '' } },
                    { key: 'true', value: { boolValue: true } },
                    { key: 'false', value: { boolValue: false } },
                    { key: 'int', value: { intValue: '42' } },
                    { key: 'zero', value: { intValue: '0' } },
                    { key: 'min int64', value: { intValue: '-9223372036854775808' } },
                    { key: 'double', value: { doubleValue: 0.7 } },
                    { key: 'nan', value: { doubleValue: Number.NaN } },
                    { key: 'infinity', value: { doubleValue: Number.NEGATIVE_INFINITY } },
                    {
                      key: 'array',
                      value: { arrayValue: { values: [{ stringValue: 'stop' }, { intValue: '1' }, {}] } },
                    },
                    { key: 'empty array', value: { arrayValue: {} } },
                    {
                      key: 'kvlist',
                      value: {
                        kvlistValue: {
                          values: [
                            { key: 'role', value: { stringValue: 'user' } },
                            { key: 'nested', value: { kvlistValue: { values: [{ key: 'n' }] } } },
                          ],
                        },
                      },
                    },
                    { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 254, 255]) } },
                    { key: 'unset', value: {} },
                    { key: 'no value' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });

    const decoded = decodeOtlpProtobufTraces(bytes) as {
      resourceSpans: { scopeSpans: { spans: { attributes: unknown[] }[] }[] }[];
    };
    expect(decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes).toEqual([
      { key: 'string', value: { stringValue: 'héllo' } },
      { key: 'empty string', value: { stringValue: '' } },
      { key: 'true', value: { boolValue: true } },
      { key: 'false', value: { boolValue: false } },
      { key: 'int', value: { intValue: '42' } },
      { key: 'zero', value: { intValue: '0' } },
      { key: 'min int64', value: { intValue: '-9223372036854775808' } },
      { key: 'double', value: { doubleValue: 0.7 } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'infinity', value: { doubleValue: '-Infinity' } },
      { key: 'array', value: { arrayValue: { values: [{ stringValue: 'stop' }, { intValue: '1' }, {}] } } },
      { key: 'empty array', value: { arrayValue: { values: [] } } },
      {
        key: 'kvlist',
        value: {
          kvlistValue: {
            values: [
              { key: 'role', value: { stringValue: 'user' } },
              { key: 'nested', value: { kvlistValue: { values: [{ key: 'n' }] } } },
            ],
          },
        },
      },
      { key: 'bytes', value: { bytesValue: 'AAH+/w==' } },
      { key: 'unset', value: {} },
      { key: 'no value' },
    ]);
  });

  it('leaves proto3 defaults out but always names the span ids (a span without ids is rejected by name)', () => {
    const decoded = decodeOtlpProtobufTraces(
      encodeRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: '0' }] }] }] }),
    );
    expect(decoded).toEqual({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '', spanId: '', name: '0' }] }] }],
    });
    expect(decodeOtlpProtobufTraces(new Uint8Array(0))).toEqual({ resourceSpans: [] });
  });

  it('maps a decoded request exactly like the same request sent as OTLP/JSON', () => {
    const json = exportRequest(
      [
        span({
          parentSpanId: PARENT_SPAN_ID,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
            'gen_ai.request.temperature': 0.2,
            'gen_ai.usage.input_tokens': 1200,
            'gen_ai.usage.output_tokens': 300,
            'gen_ai.conversation.id': 'conv-1',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
            ]),
          },
          status: { code: 2, message: 'boom' },
          events: [{ name: 'exception', attributes: { 'exception.type': 'APIError' } }],
        }),
        span({
          spanId: 'eee19b7ec3c1b175',
          attributes: {
            'gen_ai.system': 'Anthropic',
            'gen_ai.request.model': 'claude-3-5-haiku-20241022',
            'gen_ai.usage.prompt_tokens': 40,
            'gen_ai.usage.completion_tokens': 7,
            'gen_ai.prompt.0.role': 'user',
            'gen_ai.prompt.0.content': 'Ping',
          },
        }),
        span({ spanId: 'eee19b7ec3c1b176', attributes: { 'http.request.method': 'GET' } }),
      ],
      { 'service.name': 'checkout', 'deployment.environment.name': 'prod' },
    );
    const fromProtobuf = mapOtlpTraces(decodeOtlpProtobufTraces(encodeRequest(toProtoObject(json) as never)));
    expect(fromProtobuf).toEqual(mapOtlpTraces(json));
    expect(fromProtobuf.interactions).toHaveLength(2);
    expect(fromProtobuf.ignoredSpans).toBe(1);
  });

  it('skips fields it does not know (a newer exporter never breaks ingestion)', () => {
    const known = encodeRequest({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: bytesOf(TRACE_ID), spanId: bytesOf(SPAN_ID) }] }] },
      ],
    });
    // Field 9 (varint 1) and field 1000 (the long-removed instrumentation_library_spans, empty).
    const withUnknown = Buffer.concat([known, Buffer.from([0x48, 0x01, 0xc2, 0x3e, 0x00])]);
    expect(decodeOtlpProtobufTraces(withUnknown)).toEqual(decodeOtlpProtobufTraces(known));
  });

  it('rejects bytes that are not an ExportTraceServiceRequest, naming the problem and offset, never the content', () => {
    const truncated = encodeRequest({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ name: 'secret-span-name', traceId: bytesOf(TRACE_ID) }] }] },
      ],
    }).subarray(0, 20);
    const error = decodeError(truncated);
    expect(error.issues).toEqual([
      { path: '', message: expect.stringMatching(/^invalid protobuf: truncated/) },
    ]);
    expect(error.message).not.toContain('secret');

    // Field 2 with wire type 7 (which does not exist).
    expect(decodeError(Buffer.from([0x17])).issues[0]!.message).toBe(
      'invalid protobuf: wire type 7 at byte 1',
    );
    expect(decodeError(Buffer.from('{"resourceSpans": []}')).issues[0]!.message).toMatch(/^invalid protobuf/);

    // ArrayValue in AnyValue in ArrayValue… deeper than protobufjs' recursion limit (100, as protoc).
    expect(decodeError(deeplyNestedRequest(200)).issues[0]!.message).toBe(
      'invalid protobuf: nested deeper than 100 messages',
    );
  });

  it('answers only InvalidOtlpRequestError (or a request) for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeOtlpProtobufTraces(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidOtlpRequestError);
        }
      }),
    );
  });
});

/** A request whose first attribute nests arrays `depth` deep (lengths as varints, built inside out). */
function deeplyNestedRequest(depth: number): Uint8Array {
  const field = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
  let value: Buffer = field(0x0a, Buffer.from('x')); // AnyValue.string_value
  for (let level = 0; level < depth; level += 1) value = field(0x2a, field(0x0a, value)); // array_value.values
  const keyValue = Buffer.concat([field(0x0a, Buffer.from('k')), field(0x12, value)]);
  const spanBytes = field(0x4a, keyValue); // Span.attributes
  const scopeSpans = field(0x12, spanBytes); // ScopeSpans.spans
  const resourceSpans = field(0x12, scopeSpans); // ResourceSpans.scope_spans
  return field(0x0a, resourceSpans); // ExportTraceServiceRequest.resource_spans
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

describe('encodeOtlpProtobufResponse', () => {
  const { response } = OTLP_TRACE_TYPES;

  it('is empty when every span was accepted', () => {
    expect(encodeOtlpProtobufResponse(otlpPartialSuccess(0, ''))).toHaveLength(0);
  });

  it('carries rejected_spans and error_message as a partial success', () => {
    const bytes = encodeOtlpProtobufResponse(otlpPartialSuccess(2, 'span b7ad6b7169203332: bad'));
    expect(response.toObject(response.decode(bytes), { longs: String })).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: 'span b7ad6b7169203332: bad' },
    });
  });
});

describe('otlpEncodingOf', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['Application/X-Protobuf; charset=binary', 'protobuf'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    [undefined, 'json'],
    ['text/plain', undefined],
    ['application/octet-stream', undefined],
  ])('%s → %s', (contentType, encoding) => {
    expect(otlpEncodingOf(contentType)).toBe(encoding);
  });
});
