/**
 * Batch planning: which pending analysis requests go into which OpenAI batch file. Pure; the
 * batch-creator reads the pending queue, calls {@link planBatches}, and submits each batch.
 */
import * as z from 'zod';
import { InvalidAnalysisInputError } from './errors';

/** OpenAI's limits for one batch input file. */
export const OPENAI_MAX_REQUESTS_PER_FILE = 50_000;
export const OPENAI_MAX_BYTES_PER_FILE = 200 * 1024 * 1024;

/** One request waiting to be batched. `lineBytes` is its JSONL line's UTF-8 size without the newline. */
export interface PendingAnalysisRequest {
  requestId: string;
  model: string;
  /** ISO 8601 timestamp with a zone, or epoch milliseconds. */
  createdAt: string | number;
  lineBytes: number;
  /** Requests of different projects never share a batch (each project has its own OpenAI key). */
  project?: string;
}

export interface PlanBatchesOptions {
  /** A group is submitted once it has this many requests… */
  minBatchSize: number;
  /** …or once its oldest request has waited this long. */
  maxWaitMs: number;
  maxRequestsPerFile?: number;
  maxBytesPerFile?: number;
  /** ISO 8601 timestamp with a zone, epoch milliseconds or a Date. */
  now: string | number | Date;
}

/** One batch to submit: requests in oldest-first order, one model, one project. */
export interface PlannedBatch {
  project?: string;
  model: string;
  requestIds: string[];
  /** UTF-8 size of the JSONL file the batch makes (lines plus newlines). */
  bytes: number;
}

export interface BatchPlan {
  batches: PlannedBatch[];
  /** Requests whose single line exceeds the file size limit: they can never be batched. */
  oversized: string[];
}

const OptionsSchema = z.object({
  minBatchSize: z.number().int().min(1),
  maxWaitMs: z.number().min(0),
  maxRequestsPerFile: z.number().int().min(1).max(OPENAI_MAX_REQUESTS_PER_FILE).optional(),
  maxBytesPerFile: z.number().int().min(1).max(OPENAI_MAX_BYTES_PER_FILE).optional(),
});

const PendingSchema = z.object({
  requestId: z.string().min(1),
  model: z.string().min(1),
  createdAt: z.union([z.string(), z.number()]),
  lineBytes: z.number().int().min(0),
  project: z.string().optional(),
});

/**
 * Groups pending requests by project and model, oldest first, and cuts each group into
 * files within the request and byte limits (each line counts one extra byte for its
 * newline). A file is planned when it is full, has at least `minBatchSize` requests, or its
 * oldest request has waited `maxWaitMs`; otherwise its requests stay pending for a later
 * run. Every request ends up in at most one batch; one whose line alone exceeds the byte
 * limit is returned in `oversized` so the caller can fail it visibly.
 *
 * @throws {InvalidAnalysisInputError} on invalid options, a malformed request or a duplicate id
 * @example
 * planBatches(
 *   [{ requestId: 'a', model: 'gpt-4o-mini', createdAt: '2026-01-01T00:00:00Z', lineBytes: 900 }],
 *   { minBatchSize: 100, maxWaitMs: 600_000, now: '2026-01-01T00:20:00Z' },
 * );
 * // { batches: [{ model: 'gpt-4o-mini', requestIds: ['a'], bytes: 901 }], oversized: [] }
 */
export function planBatches(
  pending: readonly PendingAnalysisRequest[],
  options: PlanBatchesOptions,
): BatchPlan {
  const parsedOptions = OptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw invalid('batch plan options', parsedOptions.error.issues);
  const maxRequests = parsedOptions.data.maxRequestsPerFile ?? OPENAI_MAX_REQUESTS_PER_FILE;
  const maxBytes = parsedOptions.data.maxBytesPerFile ?? OPENAI_MAX_BYTES_PER_FILE;
  const now = toEpochMs(options.now, 'now');

  const groups = new Map<
    string,
    { project?: string; model: string; items: { request: PendingAnalysisRequest; at: number }[] }
  >();
  const seen = new Set<string>();
  const oversized: string[] = [];
  pending.forEach((request, index) => {
    const parsed = PendingSchema.safeParse(request);
    if (!parsed.success) throw invalid(`pending request at index ${index}`, parsed.error.issues);
    if (seen.has(request.requestId)) {
      throw new InvalidAnalysisInputError('pending requests', [
        { path: `${index}.requestId`, message: 'duplicate request id' },
      ]);
    }
    seen.add(request.requestId);
    const at = toEpochMs(request.createdAt, `${index}.createdAt`);
    if (request.lineBytes + 1 > maxBytes) {
      oversized.push(request.requestId);
      return;
    }
    const key = JSON.stringify([request.project ?? null, request.model]);
    const group = groups.get(key) ?? { project: request.project, model: request.model, items: [] };
    group.items.push({ request, at });
    groups.set(key, group);
  });

  const batches: PlannedBatch[] = [];
  const orderedKeys = [...groups.keys()].sort();
  for (const key of orderedKeys) {
    const group = groups.get(key)!;
    // Oldest first (ties by id) so the longest-waiting requests always go first.
    group.items.sort((a, b) => a.at - b.at || compare(a.request.requestId, b.request.requestId));
    let current: { ids: string[]; bytes: number; oldest: number } | undefined;
    const flush = (full: boolean) => {
      if (!current) return;
      if (isDue(current.ids.length, current.oldest, full, parsedOptions.data, now)) {
        batches.push({
          ...(group.project === undefined ? {} : { project: group.project }),
          model: group.model,
          requestIds: current.ids,
          bytes: current.bytes,
        });
      }
      current = undefined;
    };
    for (const { request, at } of group.items) {
      const size = request.lineBytes + 1;
      if (current && (current.ids.length >= maxRequests || current.bytes + size > maxBytes)) flush(true);
      current ??= { ids: [], bytes: 0, oldest: at };
      current.ids.push(request.requestId);
      current.bytes += size;
    }
    flush(current !== undefined && current.ids.length >= maxRequests);
  }
  return { batches, oversized: oversized.sort(compare) };
}

/**
 * The groups of pending requests (by project and model) that have something to send now, in
 * the order first seen: a group is due when it fills a file, has `minBatchSize` requests, or its
 * oldest request waited `maxWaitMs` — the rule {@link planBatches} applies to each file. The
 * batch creator reads the interactions of these requests only.
 *
 * @throws {InvalidAnalysisInputError} on invalid options or a timestamp without a zone
 * @example
 * dueGroups(rows, { minBatchSize: 100, maxWaitMs: 3_600_000, now: new Date() }); // [[row, …], …]
 */
export function dueGroups<T extends { model: string; createdAt: string | number; project?: string }>(
  pending: readonly T[],
  options: PlanBatchesOptions,
): T[][] {
  const parsedOptions = OptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw invalid('batch plan options', parsedOptions.error.issues);
  const maxRequests = parsedOptions.data.maxRequestsPerFile ?? OPENAI_MAX_REQUESTS_PER_FILE;
  const now = toEpochMs(options.now, 'now');
  const groups = new Map<string, T[]>();
  for (const request of pending) {
    const key = JSON.stringify([request.project ?? null, request.model]);
    const group = groups.get(key);
    if (group) group.push(request);
    else groups.set(key, [request]);
  }
  return [...groups.values()].filter((group) => {
    const oldest = group.reduce(
      (min, request, index) => Math.min(min, toEpochMs(request.createdAt, `${index}.createdAt`)),
      Number.POSITIVE_INFINITY,
    );
    return isDue(group.length, oldest, group.length >= maxRequests, parsedOptions.data, now);
  });
}

/** The one rule that sends requests now: a full file, `minBatchSize` requests, or a long enough wait. */
function isDue(
  count: number,
  oldestMs: number,
  full: boolean,
  options: { minBatchSize: number; maxWaitMs: number },
  nowMs: number,
): boolean {
  return full || count >= options.minBatchSize || nowMs - oldestMs >= options.maxWaitMs;
}

function toEpochMs(value: string | number | Date, path: string): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : // A zone-less timestamp would be read as machine-local time.
          /(?:Z|[+-]\d{2}:\d{2})$/i.test(value)
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidAnalysisInputError('timestamp', [
      { path, message: 'expected an ISO 8601 timestamp with a zone or epoch milliseconds' },
    ]);
  }
  return ms;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalid(
  what: string,
  issues: readonly { path: PropertyKey[]; message: string }[],
): InvalidAnalysisInputError {
  return new InvalidAnalysisInputError(
    what,
    issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
