/**
 * What the provider-report emulator knows: usage records seeded per provider, and the reports
 * built from them in OpenAI's and Anthropic's documented shapes (time buckets, grouping,
 * filters, pages). Pure: the HTTP shell is server.ts.
 */
import * as z from 'zod';

/** Provider-side ids the local twin's default project maps to. */
export const LOCAL_IDS = {
  openaiProject: 'proj_local',
  anthropicWorkspace: 'wrkspc_local',
  apiKey: 'key_local',
} as const;

const count = z.number().int().nonnegative();

/** One seeded day of one model (the `POST /_local/provider-usage` record shape). */
export const seedRecordSchema = z.strictObject({
  date: z.iso.date(),
  model: z.string().min(1).max(256),
  requests: count,
  /** Includes cached reads and cache writes, as in the ledger. */
  inputTokens: count,
  cachedInputTokens: count.default(0),
  cacheWriteInputTokens: count.default(0),
  outputTokens: count,
  /** USD billed for the record; decimal string or number, at most 9 decimals. */
  costUsd: z.union([z.string().regex(/^\d+(?:\.\d{1,9})?$/), z.number().nonnegative()]),
  batch: z.boolean().default(false),
  /** OpenAI project / Anthropic workspace / API key; default the local account's. */
  projectId: z.string().min(1).optional(),
  workspaceId: z.string().min(1).optional(),
  apiKeyId: z.string().min(1).optional(),
});

export const seedSchema = z.strictObject({
  provider: z.enum(['openai', 'anthropic']),
  records: z.array(seedRecordSchema).max(10_000),
  /** Replace what was seeded for the provider (default) or add to it. */
  mode: z.enum(['replace', 'append']).default('replace'),
});

export type SeedRecord = z.output<typeof seedRecordSchema>;
export type Seed = z.input<typeof seedSchema>;
export type ReportProvider = z.output<typeof seedSchema>['provider'];

export const emulatorSettingsSchema = z.strictObject({
  /** The next `count` report calls answer 429 with `retry-after`. */
  http429: z
    .strictObject({ count: z.number().int().min(0), retryAfterSeconds: z.number().min(0).default(0) })
    .optional(),
  /** At most this many buckets per page (below the API's own limit), to exercise pagination. */
  maxBucketsPerPage: z.number().int().min(1).optional(),
});

export type EmulatorSettings = z.output<typeof emulatorSettingsSchema>;

const DAY_MS = 86_400_000;
const WIDTH_MS = { '1d': DAY_MS, '1h': 3_600_000, '1m': 60_000 } as const;
export type BucketWidth = keyof typeof WIDTH_MS;
/** Buckets per page: default and maximum per width (both providers document these). */
export const BUCKET_LIMITS: Record<BucketWidth, { default: number; max: number }> = {
  '1d': { default: 7, max: 31 },
  '1h': { default: 24, max: 168 },
  '1m': { default: 60, max: 1440 },
};

/** A report request as the server parsed it. */
export interface BucketQuery {
  startMs: number;
  endMs?: number;
  width: BucketWidth;
  limit: number;
  /** Index of the first bucket of this page (from the page token). */
  offset: number;
}

/** The buckets of one page and whether more follow. */
export function pageBuckets(
  query: BucketQuery,
  cap: number | undefined,
): { starts: number[]; hasMore: boolean; nextOffset: number } {
  const widthMs = WIDTH_MS[query.width];
  const firstStart = Math.floor(query.startMs / widthMs) * widthMs;
  const total =
    query.endMs === undefined
      ? query.offset + query.limit
      : Math.max(0, Math.ceil((query.endMs - firstStart) / widthMs));
  const size = Math.min(query.limit, cap ?? Number.POSITIVE_INFINITY);
  const starts: number[] = [];
  for (let index = query.offset; index < Math.min(total, query.offset + size); index += 1) {
    starts.push(firstStart + index * widthMs);
  }
  const nextOffset = query.offset + starts.length;
  return { starts, hasMore: nextOffset < total, nextOffset };
}

/** Records whose day starts inside a bucket (a day's usage lands in its first hour or minute). */
export function recordsIn(records: readonly SeedRecord[], startMs: number, width: BucketWidth): SeedRecord[] {
  const endMs = startMs + WIDTH_MS[width];
  return records.filter((record) => {
    const dayMs = Date.parse(`${record.date}T00:00:00Z`);
    return dayMs >= startMs && dayMs < endMs;
  });
}

/** Integer nano-USD of a seeded cost. */
export function costNanosOf(record: SeedRecord): bigint {
  const text = typeof record.costUsd === 'number' ? record.costUsd.toFixed(9) : record.costUsd;
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/**
 * Splits a record's cost between input and output line items (weighted 1:4 per token, like
 * typical prices) in integer nano-USD, so the parts always sum to the seeded cost exactly.
 */
export function splitCost(record: SeedRecord): { inputNanos: bigint; outputNanos: bigint } {
  const total = costNanosOf(record);
  const inputWeight = BigInt(record.inputTokens);
  const outputWeight = 4n * BigInt(record.outputTokens);
  const weights = inputWeight + outputWeight;
  const inputNanos = weights === 0n ? total : (total * inputWeight) / weights;
  return { inputNanos, outputNanos: total - inputNanos };
}

/** Nano-USD as a decimal of `scale` digits after the point of the given unit (USD: 9, cents: 7). */
export function nanosAsDecimal(nanos: bigint, unit: 'usd' | 'cents'): string {
  const perUnit = unit === 'usd' ? 1_000_000_000n : 10_000_000n;
  const digits = unit === 'usd' ? 9 : 7;
  const whole = nanos / perUnit;
  const fraction = (nanos % perUnit).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** Encodes a page token (opaque to clients, like the providers'). */
export const encodePage = (offset: number) =>
  Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

/** Decodes a page token; undefined when it is not one of ours. */
export function decodePage(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}
