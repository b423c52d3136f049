/** Builders for OTLP/HTTP JSON spans, spelled the way exporters send them. */

export type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

/** Encodes a plain value as an OTLP JSON `AnyValue` (integers as decimal strings, like the proto3 JSON mapping). */
export function anyValue(value: Plain): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: attributes(value) } };
}

export function attributes(record: Record<string, Plain>): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_SPAN_ID = '6e0c63257de34c92';

/** 2025-03-01T12:00:00.123456789Z in unix nanos. */
export const START_NANOS = 1_740_830_400_123_456_789n;

export interface SpanOptions {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  durationNanos?: bigint;
  attributes?: Record<string, Plain>;
  status?: { code?: number | string; message?: string };
  events?: { name: string; attributes?: Record<string, Plain> }[];
}

export function span(options: SpanOptions = {}): Record<string, unknown> {
  const start = START_NANOS;
  const end = start + (options.durationNanos ?? 1_234_567_000n);
  return {
    traceId: options.traceId ?? TRACE_ID,
    spanId: options.spanId ?? SPAN_ID,
    parentSpanId: options.parentSpanId ?? '',
    name: options.name ?? 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: attributes(options.attributes ?? {}),
    events: (options.events ?? []).map((event) => ({
      name: event.name,
      timeUnixNano: String(end),
      attributes: attributes(event.attributes ?? {}),
    })),
    status: options.status ?? { code: 0 },
  };
}

export function exportRequest(
  spans: Record<string, unknown>[],
  resource: Record<string, Plain> = { 'service.name': 'checkout' },
): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(resource) },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-openai', version: '0.5.0' }, spans }],
      },
    ],
  };
}
