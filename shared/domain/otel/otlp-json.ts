/**
 * OTLP/HTTP JSON encoding of `ExportTraceServiceRequest` (opentelemetry-proto, JSON mapping):
 * - trace and span ids are hex strings (not base64 as generic proto3 JSON would have them);
 * - 64-bit integers (`intValue`, `*TimeUnixNano`) arrive as decimal strings or as numbers;
 * - enums (`status.code`, `kind`) are integers; names (`STATUS_CODE_ERROR`) are tolerated;
 * - attribute values are `AnyValue`: `{stringValue|boolValue|intValue|doubleValue|arrayValue|kvlistValue|bytesValue}`.
 *
 * The envelope schema is deliberately loose (unknown fields pass) so a newer exporter never
 * breaks ingestion; spans are validated one by one so one bad span rejects only itself.
 */
import * as z from 'zod';

/** The largest `fixed64`: a longer decimal is not an OTLP time (and no date can hold it). */
const MAX_UINT64 = 18_446_744_073_709_551_615n;
const TOO_LARGE = 'exceeds the 64-bit range of an OTLP unix-nano time';

const unixNano = z.union([
  z
    .string()
    .regex(/^\d+$/, 'expected a decimal unix-nano string')
    .refine(
      (value) => !/^\d+$/.test(value) || (value.length <= 20 && BigInt(value) <= MAX_UINT64),
      TOO_LARGE,
    ),
  z.number().nonnegative().max(Number(MAX_UINT64), TOO_LARGE),
]);

/** One `KeyValue` of an attribute list; the value is decoded by {@link decodeAnyValue}. */
export const otlpKeyValueSchema = z.looseObject({ key: z.string(), value: z.unknown().optional() });

const attributeList = z.array(otlpKeyValueSchema);

/** One span of an export request, validated on its own. */
export const otlpSpanSchema = z.looseObject({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: z.union([z.number(), z.string()]).optional(),
  startTimeUnixNano: unixNano.optional(),
  endTimeUnixNano: unixNano.optional(),
  attributes: attributeList.optional(),
  events: z
    .array(
      z.looseObject({
        name: z.string().optional(),
        timeUnixNano: unixNano.optional(),
        attributes: attributeList.optional(),
      }),
    )
    .optional(),
  status: z
    .looseObject({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() })
    .optional(),
});

/** The `ExportTraceServiceRequest` envelope; each span stays `unknown` until {@link otlpSpanSchema} reads it. */
export const otlpExportTraceRequestSchema = z.looseObject({
  resourceSpans: z
    .array(
      z.looseObject({
        resource: z.looseObject({ attributes: attributeList.optional() }).optional(),
        scopeSpans: z
          .array(
            z.looseObject({
              scope: z
                .looseObject({ name: z.string().optional(), version: z.string().optional() })
                .optional(),
              spans: z.array(z.unknown()).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export type OtlpKeyValue = z.output<typeof otlpKeyValueSchema>;
export type OtlpSpan = z.output<typeof otlpSpanSchema>;
export type OtlpExportTraceRequest = z.output<typeof otlpExportTraceRequestSchema>;

/** A decoded attribute value: JSON-like (bytes stay base64 text). */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/**
 * Decodes one OTLP JSON `AnyValue` into a plain value. `intValue` becomes a number when it is a
 * safe integer and stays a decimal string otherwise (never silently rounded); `kvlistValue`
 * becomes an object, `arrayValue` an array, `bytesValue` stays base64 text. Anything unrecognised decodes to `null`.
 *
 * @example
 * decodeAnyValue({ intValue: '42' }); // 42
 * decodeAnyValue({ arrayValue: { values: [{ stringValue: 'stop' }] } }); // ['stop']
 */
export function decodeAnyValue(value: unknown): AttributeValue {
  if (!value || typeof value !== 'object') return null;
  const any = value as Record<string, unknown>;
  if (typeof any.stringValue === 'string') return any.stringValue;
  if (typeof any.boolValue === 'boolean') return any.boolValue;
  if ('intValue' in any) return decodeInt(any.intValue);
  if ('doubleValue' in any) return decodeDouble(any.doubleValue);
  if (any.arrayValue && typeof any.arrayValue === 'object') {
    const values = (any.arrayValue as { values?: unknown }).values;
    return Array.isArray(values) ? values.map(decodeAnyValue) : [];
  }
  if (any.kvlistValue && typeof any.kvlistValue === 'object') {
    const values = (any.kvlistValue as { values?: unknown }).values;
    return Array.isArray(values) ? Object.fromEntries(decodeKeyValues(values)) : {};
  }
  if (typeof any.bytesValue === 'string') return any.bytesValue;
  return null;
}

/** Decodes an attribute list into a `Map` (later duplicates win, as in the SDKs). */
export function decodeAttributes(attributes: readonly unknown[] | undefined): Map<string, AttributeValue> {
  return new Map(decodeKeyValues(attributes ?? []));
}

function decodeKeyValues(values: readonly unknown[]): [string, AttributeValue][] {
  const entries: [string, AttributeValue][] = [];
  for (const entry of values) {
    if (!entry || typeof entry !== 'object') continue;
    const { key, value } = entry as { key?: unknown; value?: unknown };
    if (typeof key === 'string') entries.push([key, decodeAnyValue(value)]);
  }
  return entries;
}

function decodeInt(raw: unknown): number | string | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.trunc(raw) : null;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) return null;
  const parsed = Number(raw);
  return Number.isSafeInteger(parsed) ? parsed : raw;
}

function decodeDouble(raw: unknown): number | null {
  if (typeof raw === 'number') return raw;
  // The proto3 JSON mapping spells non-finite doubles as strings; they carry no usable value here.
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return null;
}

/**
 * A unix-nano timestamp as a bigint, or `undefined` when absent or zero (OTLP's "unknown").
 * Numbers beyond 2^53 have already lost precision in JSON parsing; they still resolve to the millisecond.
 */
export function unixNanoToBigInt(raw: string | number | undefined): bigint | undefined {
  if (raw === undefined) return undefined;
  const nanos = typeof raw === 'string' ? BigInt(raw) : BigInt(Math.trunc(raw));
  return nanos > 0n ? nanos : undefined;
}

/** ISO 8601 (UTC, millisecond precision) for a unix-nano timestamp. */
export function unixNanoToIso(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString();
}
